using Microsoft.Extensions.Hosting;

namespace Simulator.Hosting;

/// <summary>A thin adapter: the generic host's lifetime (Ctrl+C, SIGTERM) drives the engine, which knows nothing of hosting.</summary>
public sealed class RunHostedService : BackgroundService
{
    private readonly RunSetup _setup;
    private readonly IHostApplicationLifetime _lifetime;

    public RunHostedService(RunSetup setup, IHostApplicationLifetime lifetime)
    {
        _setup = setup;
        _lifetime = lifetime;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            _setup.ExitCode = await FleetRun.ExecuteAsync(_setup, stoppingToken).ConfigureAwait(false);
        }
        catch (Core.Errors.InputException e)
        {
            await _setup.Out.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            _setup.ExitCode = Cli.ExitCodes.BadInput;
        }
        finally
        {
            _lifetime.StopApplication();
        }
    }
}
