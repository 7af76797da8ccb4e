namespace Simulator.Gateway.Auth;

/// <summary>The authorizer's invocation ran past its timeout.</summary>
internal sealed class LambdaTimeoutException(string function, int timeoutMs)
    : Exception($"authorizer '{function}' timed out after {timeoutMs} ms");
