using System.Runtime.InteropServices;

namespace Simulator.Core.Transport.OpenSsl;

/// <summary>
/// The BIO type that joins libssl to <see cref="OpenSslStream"/>'s buffers: its callbacks run
/// inside the libssl call the stream makes, on that thread, so they find their stream in a
/// thread-static and need no handle table. One method table for the process, never freed.
/// </summary>
internal static unsafe class OpenSslBio
{
    private static readonly Lazy<nint> Table = new(Create);

    public static nint Method => Table.Value;

    private static nint Create()
    {
        var method = LibSsl.BIO_meth_new(LibSsl.BIO_get_new_index() | LibSsl.BioTypeSourceSink, "simulator socket engine");
        if (method == 0
            || LibSsl.BIO_meth_set_write(method, &Write) != 1
            || LibSsl.BIO_meth_set_read(method, &Read) != 1
            || LibSsl.BIO_meth_set_ctrl(method, &Ctrl) != 1)
        {
            throw new InvalidOperationException("cannot create the BIO method: " + LibSsl.TakeError());
        }

        return method;
    }

    [UnmanagedCallersOnly]
    private static int Write(nint bio, byte* data, int length) => OpenSslStream.OnBioWrite(data, length);

    [UnmanagedCallersOnly]
    private static int Read(nint bio, byte* data, int length) => OpenSslStream.OnBioRead(bio, data, length);

    /// <summary>Flush succeeds (the stream sends after each call); nothing else is supported.</summary>
    [UnmanagedCallersOnly]
    private static long Ctrl(nint bio, int command, long number, nint pointer) => command == LibSsl.BioCtrlFlush ? 1 : 0;
}
