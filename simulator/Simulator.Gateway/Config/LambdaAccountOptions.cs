namespace Simulator.Gateway.Config;

/// <summary>
/// The AWS account's Lambda concurrency, shared by every authorizer function with a <c>lambda</c>
/// section and no reserved <c>concurrency</c> of its own, and by the account's other functions
/// (AWS Lambda developer guide, "Lambda function scaling": 1,000 concurrent executions per account
/// per Region by default). Over it an invocation is throttled and the connect denied.
/// </summary>
public sealed record LambdaAccountOptions
{
    /// <summary>AWS's default account concurrency per Region.</summary>
    public const int AwsDefaultConcurrency = 1000;

    /// <summary>The account's concurrency limit; 0 = unlimited.</summary>
    public int Concurrency { get; set; } = AwsDefaultConcurrency;

    /// <summary>Concurrency the account's other functions hold throughout, out of <see cref="Concurrency"/>: what a busy account leaves its authorizer.</summary>
    public int OtherFunctionsConcurrency { get; set; }
}
