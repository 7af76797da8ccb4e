using Simulator.Gateway.Config;

namespace Simulator.Gateway.Auth;

/// <summary>
/// The account's unreserved Lambda concurrency, one pool for all of the gateway's functions that
/// reserve none (see <see cref="LambdaAccountOptions"/>). Thread-safe: invocations of every
/// function take and return units from their own threads.
/// </summary>
public sealed class LambdaAccount
{
    private readonly int _available;
    private int _inUse;

    public LambdaAccount(LambdaAccountOptions options)
    {
        _available = options.Concurrency == 0 ? int.MaxValue : Math.Max(0, options.Concurrency - options.OtherFunctionsConcurrency);
    }

    /// <summary>Units the authorizer functions may hold at once.</summary>
    public int Available => _available;

    /// <summary>Units held now.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Takes one unit for an invocation; false when the account's concurrency is all in use.</summary>
    public bool TryTake()
    {
        while (true)
        {
            var now = Volatile.Read(ref _inUse);
            if (now >= _available)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inUse, now + 1, now) == now)
            {
                return true;
            }
        }
    }

    public void Release() => Interlocked.Decrement(ref _inUse);
}
