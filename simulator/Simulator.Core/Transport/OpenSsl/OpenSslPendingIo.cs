namespace Simulator.Core.Transport.OpenSsl;

/// <summary>The socket operation a suspended <see cref="OpenSslStream"/> read waits on.</summary>
internal enum OpenSslPendingIo : byte
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>A receive into a pooled buffer.</summary>
    Receive,

    /// <summary>A zero-byte socket read (readiness).</summary>
    ReadyCount,

    /// <summary>A cellular link's readiness wait.</summary>
    Ready,

    /// <summary>Sending what libssl wrote during the read.</summary>
    Flush,
}
