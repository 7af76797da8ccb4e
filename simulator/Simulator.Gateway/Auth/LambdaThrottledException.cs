namespace Simulator.Gateway.Auth;

/// <summary>Lambda refused the invocation: the function's concurrency is all in use (TooManyRequestsException).</summary>
internal sealed class LambdaThrottledException(string function, int concurrency)
    : Exception($"authorizer '{function}' throttled: all {concurrency} concurrent invocations in use");
