using Simulator.Core.Errors;
using Simulator.Core.Metrics;

namespace Simulator.Core.Scenarios;

/// <summary>Names what ended a step or a session, as the results count it.</summary>
internal static class ScenarioFailures
{
    public const string Timeout = "Timeout";

    public static string Classify(Exception e, IDeviceRecorder recorder) => e switch
    {
        StepFailedException s => s.FailureClass,
        ConnectionFailedException c => c.FailureClass,
        TimeoutException => Timeout,
        _ => recorder.Unexpected(e),
    };
}
