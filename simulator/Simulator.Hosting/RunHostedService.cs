using Microsoft.Extensions.Hosting;

namespace Simulator.Hosting;

/// <summary>A thin adapter: the generic host's lifetime (Ctrl+C, SIGTERM) drives the engine, which knows nothing of hosting.</summary>
internal sealed class RunHostedService : BackgroundService
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
            _setup.ExitCode = _setup.Capacity
                ? await CapacityRun.ExecuteAsync(_setup, stoppingToken).ConfigureAwait(false)
                : await FleetRun.ExecuteAsync(_setup, stoppingToken).ConfigureAwait(false);
        }
        catch (Core.Errors.InputException e)
        {
            await _setup.Out.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            _setup.ExitCode = ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await _setup.Out.WriteLineAsync("cancelled before the run started: no results").ConfigureAwait(false);
            _setup.ExitCode = ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            // A run-time failure outside the devices (the embedded gateway could not start, say): one line, no stack trace.
            await _setup.Out.WriteLineAsync($"error: the run failed: {Core.Errors.Secrets.Scrub(e.Message)}").ConfigureAwait(false);
            _setup.ExitCode = ExitCodes.Failed;
        }
        finally
        {
            _lifetime.StopApplication();
        }
    }
}
