using System.Diagnostics;
using Simulator.Core.Identity;

namespace Simulator.Core.Load;

/// <summary>
/// One live device as its supervisor sees it: identity, the instant it was due to start, its
/// state, and its open attempt. Attempts are opened here (counted by the supervisor) and closed
/// through <see cref="Metrics.RunMetrics"/>-recording calls (counted there), so the two counts are kept
/// in different places and can disagree when a device loses an attempt.
/// </summary>
internal sealed class DeviceLifecycle
{
    private readonly DeviceSupervisor _supervisor;

    internal DeviceLifecycle(DeviceSupervisor supervisor, DeviceIdentity identity, long intendedStart, long serial)
    {
        _supervisor = supervisor;
        Identity = identity;
        IntendedStart = intendedStart;
        Serial = serial;
    }

    public DeviceIdentity Identity { get; }

    /// <summary>When the plan wanted this device to start (Stopwatch timestamp).</summary>
    public long IntendedStart { get; }

    /// <summary>When its task actually began running (Stopwatch timestamp).</summary>
    public long ActualStart { get; internal set; }

    public long Serial { get; }

    /// <summary>Started by an arrivals phase: one attempt, its session, then the device leaves.</summary>
    public bool IsVisit { get; init; }

    public DeviceState State { get; internal set; } = DeviceState.Connecting;

    /// <summary>An attempt is open: started and not yet ended with an outcome.</summary>
    public bool AttemptOpen { get; private set; }

    internal CancellationTokenSource Stop { get; } = new();

    internal Task? Task { get; set; }

    public void Move(DeviceState to) => _supervisor.Move(this, to);

    /// <summary>Opens an attempt (token, then connect). Call while <see cref="DeviceState.Connecting"/>.</summary>
    public void AttemptStarted()
    {
        AttemptOpen = true;
        _supervisor.AttemptStarted();
    }

    /// <summary>The open attempt connected: <paramref name="fromIntendedMs"/> counts from when it was due.</summary>
    public void Succeeded(double fromIntendedMs)
    {
        AttemptOpen = false;
        _supervisor.Metrics.ConnectSucceeded(fromIntendedMs);
    }

    public void Failed(string failureClass)
    {
        AttemptOpen = false;
        _supervisor.Metrics.AttemptFailed(failureClass);
    }

    /// <summary>The run stopped the device during its attempt.</summary>
    public void Interrupted()
    {
        if (AttemptOpen)
        {
            AttemptOpen = false;
            _supervisor.Metrics.AttemptInterrupted();
        }
    }

    public static double MillisecondsSince(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalMilliseconds;
}
