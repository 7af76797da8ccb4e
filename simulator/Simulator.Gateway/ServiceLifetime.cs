using Microsoft.Extensions.Hosting;

namespace Simulator.Gateway;

/// <summary>
/// The gateway's web host does not listen for signals itself: whoever owns the gateway (the
/// `gateway` verb, or a run that embeds it) decides when it stops. With the default console
/// lifetime, Ctrl+C stopped an embedded gateway under a run still disconnecting its devices, and
/// kept the `gateway` verb's own wait from ever ending.
/// </summary>
internal sealed class ServiceLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
