using Simulator.Core.Results.Summary;

namespace Simulator.Hosting;

/// <summary>The run that <see cref="FleetSimulatorServiceCollectionExtensions.AddFleetSimulator"/> added to a host: await <see cref="Summary"/> for its result.</summary>
public sealed class FleetRunCompletion
{
    private readonly TaskCompletionSource<RunSummary> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the run's summary when it ends; faults when it could not run (as <see cref="FleetRunner.RunAsync"/> throws).</summary>
    public Task<RunSummary> Summary => _done.Task;

    internal void Complete(Task<RunSummary> run)
    {
        if (run.IsCompletedSuccessfully)
        {
            _done.TrySetResult(run.Result);
        }
        else if (run.IsCanceled)
        {
            _done.TrySetCanceled();
        }
        else
        {
            _done.TrySetException(run.Exception!.InnerExceptions);
        }
    }
}
