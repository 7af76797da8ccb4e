namespace Simulator.Gateway.Config;

/// <summary>
/// The capacity of the Lambda function behind a custom authorizer, so capacity tests can be
/// rehearsed offline: a concurrency limit (over it the invocation is throttled and the connect
/// denied, as IoT Core does when Lambda throttles), a duration distribution, cold starts for new
/// instances, idle instances reclaimed, the invocation timeout (AWS: 5 s), Lambda's scaling rate,
/// and (without a reserved <see cref="Concurrency"/>) the account's shared concurrency
/// (<see cref="LambdaAccountOptions"/>). An authorizer with no <c>lambda</c> section has none of these limits.
/// </summary>
public sealed record LambdaOptions
{
    /// <summary>How long IoT Core waits for a custom authorizer before it denies the connect.</summary>
    public const int AwsAuthorizerTimeoutMs = 5000;

    /// <summary>In-flight invocations allowed (the function's reserved concurrency, outside the account's shared pool); 0 = none reserved: the account's pool limits it.</summary>
    public int Concurrency { get; set; }

    /// <summary>Median added duration of one invocation, on top of the authorizer's own work.</summary>
    public double DurationP50Ms { get; set; }

    /// <summary>99th percentile of the added duration; equal to the median for a fixed duration.</summary>
    public double DurationP99Ms { get; set; }

    /// <summary>Paid by an invocation that finds no idle warm instance.</summary>
    public double ColdStartMs { get; set; }

    /// <summary>An instance idle this long goes away; the next one pays a cold start.</summary>
    public double IdleExpirySeconds { get; set; } = 600;

    /// <summary>The invocation gives up after this long and the connect is denied (AWS's custom-auth limit: 5 s).</summary>
    public int TimeoutMs { get; set; } = AwsAuthorizerTimeoutMs;

    /// <summary>AWS Lambda's scaling rate: each function adds at most 1,000 execution environments every 10 seconds.</summary>
    public const int AwsScaleUpPer10Seconds = 1000;

    /// <summary>
    /// New instances (cold starts) the function may add in each 10 s on the gateway's clock; an
    /// invocation that finds no idle instance once they are used is throttled. 0 = unlimited.
    /// </summary>
    public int ScaleUpPer10Seconds { get; set; } = AwsScaleUpPer10Seconds;
}
