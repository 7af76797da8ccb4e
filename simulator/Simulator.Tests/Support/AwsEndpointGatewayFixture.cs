namespace Simulator.Tests.Support;

/// <summary>A gateway whose endpoint name looks like AWS's, as the SDK v1 requires of its host.</summary>
public sealed class AwsEndpointGatewayFixture : GatewayFixture
{
    public const string AwsLikeEndpoint = "a1b2c3d4e5f6g7-ats.iot.eu-central-1.amazonaws.com";

    protected override string EndpointName => AwsLikeEndpoint;
}
