namespace Simulator.Core.Load.Profiles;

/// <summary>
/// The fleet's reconnect policy: exponential backoff between attempts, with full jitter (the AWS
/// SDKs' shape) or none; a device gives up after <paramref name="MaxAttempts"/> failures in a row.
/// After its radio link comes back from an outage, a device also waits a randomised start timer
/// (GSMA TS.34) before its first attempt.
/// </summary>
/// <param name="BaseMilliseconds">Half the first backoff's ceiling: the n-th backoff is drawn from [0, min(max, base·2^n)].</param>
/// <param name="MaxMilliseconds">No backoff is longer.</param>
/// <param name="MaxAttempts">Failures in a row before the device gives up.</param>
/// <param name="Jitter">"full" (uniform from 0 to the ceiling) or "none" (the ceiling itself: every device on the same firmware retries at the same instant).</param>
/// <param name="StartTimerMilliseconds">After an outage, a wait drawn from [0, this] once the link is back, before the first attempt.</param>
public sealed record ReconnectSettings(int BaseMilliseconds = 500, int MaxMilliseconds = 30_000, int MaxAttempts = 8, ReconnectJitter Jitter = ReconnectJitter.Full, int StartTimerMilliseconds = 0);
