namespace Simulator.Gateway.Auth;

/// <summary>Lambda refused the invocation (TooManyRequestsException): the reserved concurrency, the scaling rate or the account's concurrency is used up.</summary>
internal sealed class LambdaThrottledException(string function, string why)
    : Exception($"authorizer '{function}' throttled: {why}");
