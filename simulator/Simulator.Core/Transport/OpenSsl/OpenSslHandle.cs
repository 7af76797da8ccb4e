using System.Runtime.InteropServices;

namespace Simulator.Core.Transport.OpenSsl;

/// <summary>A pointer libssl owns, freed once, when the last call holding a reference returns.</summary>
internal abstract class OpenSslHandle : SafeHandle
{
    protected OpenSslHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    internal void Adopt(nint pointer) => SetHandle(pointer);
}
