using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Simulator.Hosting;

/// <summary>Runs a <see cref="RunSetup"/> (a fleet run or a capacity search) on the generic host, whose lifetime turns Ctrl+C and SIGTERM into a graceful stop.</summary>
internal static class HostedRun
{
    public static async Task<int> RunAsync(RunSetup setup, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        builder.Services.AddSingleton(setup);
        builder.Services.AddHostedService<RunHostedService>();
        using var host = builder.Build();
        using (var live = LiveMetrics.Start(setup.MetricsPort, setup.OtlpEndpoint, setup.Profile.Fleet.Assigned.ToString(), setup.MetricsInterval, setup.Out, setup.MetricsHost))
        {
            setup.FlushMetrics = live is null ? null : live.Flush;
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        return setup.ExitCode;
    }
}
