using Simulator.Gateway.Config;

namespace Simulator.Tests.Support;

/// <summary>
/// Clears a gateway's faults once it has injected a given number of them: a storm timed by what
/// happened, not by a wall clock that starts before the run does (a slow start would see it clear
/// before the first device arrived).
/// </summary>
public sealed class FaultStorm : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;

    private FaultStorm(FaultState faults, long after, TimeSpan atMost)
    {
        _watch = WatchAsync(faults, after, atMost, _stop.Token);
    }

    /// <summary>True once the faults were cleared because enough of them happened (false if <c>atMost</c> ran out first).</summary>
    public bool ClearedByCount { get; private set; }

    /// <summary>Watches <paramref name="faults"/> and clears them after <paramref name="after"/> injected faults, or after <paramref name="atMost"/> so that a run never storms forever.</summary>
    public static FaultStorm ClearAfter(FaultState faults, long after, TimeSpan? atMost = null) => new(faults, after, atMost ?? TimeSpan.FromSeconds(60));

    private async Task WatchAsync(FaultState faults, long after, TimeSpan atMost, CancellationToken ct)
    {
        var start = faults.Injected;
        var deadline = DateTime.UtcNow + atMost;
        try
        {
            while (faults.Injected - start < after && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10, ct);
            }

            ClearedByCount = faults.Injected - start >= after;
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            faults.Current = new FaultOptions();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        _stop.Dispose();
    }
}
