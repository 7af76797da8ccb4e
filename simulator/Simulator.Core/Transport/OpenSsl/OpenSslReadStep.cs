namespace Simulator.Core.Transport.OpenSsl;

/// <summary>Where an <see cref="OpenSslStream"/> read resumes when the socket operation it waits on completes.</summary>
internal enum OpenSslReadStep : byte
{
    /// <summary>A new read: receive first if a readiness wait already saw ciphertext.</summary>
    Begin,

    /// <summary>Ask libssl for plaintext.</summary>
    Decrypt,

    /// <summary>libssl answered (held in the stream): return it, or wait for ciphertext.</summary>
    Decide,

    /// <summary>A readiness wait ended: the socket has bytes.</summary>
    Ready,
}
