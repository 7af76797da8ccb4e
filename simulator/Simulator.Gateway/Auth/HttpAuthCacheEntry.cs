namespace Simulator.Gateway.Auth;

/// <summary>An authorizer's allowed answer kept on an HTTPS connection until <see cref="UntilMs"/> (<see cref="Environment.TickCount64"/>).</summary>
internal sealed record HttpAuthCacheEntry(AuthOutcome Outcome, long UntilMs);
