using System.Diagnostics;

namespace Simulator.Core.Scenarios;

/// <summary>
/// Named, timed parts of a scenario, as NBomber's <c>Step.Run</c>: each run's time and outcome go
/// into the step's own histogram and counters (summary.json "steps", the reports). A step that
/// throws is counted failed under the exception's class and the exception goes on, ending the
/// session unless the scenario catches it; one the run's stop cancelled is not counted.
/// </summary>
public static class Step
{
    /// <summary>Runs and times <paramref name="step"/> as the step <paramref name="name"/>.</summary>
    public static async Task Run(string name, DeviceContext context, Func<Task> step)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(step);
        StepNames.Check(name, nameof(name));
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception e) when (Count(name, context, t0, e))
        {
            throw; // never reached: Count returns false
        }

        context.Host.Recorder.Step(name, Stopwatch.GetElapsedTime(t0).TotalMilliseconds, null);
    }

    /// <summary>Runs and times <paramref name="step"/> as the step <paramref name="name"/>, and returns its result.</summary>
    public static async Task<T> Run<T>(string name, DeviceContext context, Func<Task<T>> step)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(step);
        StepNames.Check(name, nameof(name));
        var t0 = Stopwatch.GetTimestamp();
        T result;
        try
        {
            result = await step().ConfigureAwait(false);
        }
        catch (Exception e) when (Count(name, context, t0, e))
        {
            throw; // never reached: Count returns false
        }

        context.Host.Recorder.Step(name, Stopwatch.GetElapsedTime(t0).TotalMilliseconds, null);
        return result;
    }

    /// <summary>Counts a failed run of the step (an exception filter: the stack is not unwound for it) and lets the exception go on.</summary>
    private static bool Count(string name, DeviceContext context, long t0, Exception e)
    {
        if (!(e is OperationCanceledException && context.Stopping.IsCancellationRequested))
        {
            context.Host.Recorder.Step(name, Stopwatch.GetElapsedTime(t0).TotalMilliseconds, ScenarioFailures.Classify(e, context.Host.Recorder));
        }

        return false;
    }
}
