namespace Simulator.Core.Load.Profiles;

/// <summary>
/// The fleet's reconnect policy as a profile writes it: a <paramref name="Preset"/> taken from a
/// real client, and any of its values overridden; <see cref="Resolve"/> gives the values the
/// devices use (<see cref="ReconnectPolicy"/>).
/// </summary>
/// <param name="Preset">"default" (1 s to 30 s, full jitter, 8 failures), "aws-iot-sdk", "mqtt-js" or "asset-tracker".</param>
/// <param name="BaseMilliseconds">Half the first backoff's ceiling: exponentially, the n-th backoff is drawn from [0, min(max, base·2^n)].</param>
/// <param name="MaxMilliseconds">No backoff is longer.</param>
/// <param name="MaxAttempts">Failures in a row before the device gives up.</param>
/// <param name="Jitter">"full" (uniform from 0 to the ceiling) or "none" (the ceiling itself: every device on the same firmware retries at the same instant).</param>
/// <param name="StartTimerMilliseconds">After an outage, a wait drawn from [0, this] once the link is back, before the first attempt (GSMA TS.34's randomised start).</param>
/// <param name="Shape">"exponential" or "linear" (the n-th ceiling 2·base + (n − 1)·increment).</param>
/// <param name="IncrementMilliseconds">A linear ceiling's growth per failure.</param>
internal sealed record ReconnectSettings(
    ReconnectPreset Preset = ReconnectPreset.Default,
    int? BaseMilliseconds = null,
    int? MaxMilliseconds = null,
    int? MaxAttempts = null,
    ReconnectJitter? Jitter = null,
    int? StartTimerMilliseconds = null,
    ReconnectShape? Shape = null,
    int? IncrementMilliseconds = null)
{
    /// <summary>The preset with this profile's overrides.</summary>
    public ReconnectPolicy Resolve()
    {
        var p = ReconnectPolicy.Of(Preset);
        return new ReconnectPolicy(
            BaseMilliseconds ?? p.BaseMilliseconds,
            MaxMilliseconds ?? p.MaxMilliseconds,
            MaxAttempts ?? p.MaxAttempts,
            Jitter ?? p.Jitter,
            StartTimerMilliseconds ?? p.StartTimerMilliseconds,
            Shape ?? p.Shape,
            IncrementMilliseconds ?? p.IncrementMilliseconds);
    }
}
