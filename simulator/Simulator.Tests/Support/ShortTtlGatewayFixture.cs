namespace Simulator.Tests.Support;

/// <summary>A gateway whose 1NCE authorizer answers disconnectAfterInSeconds = 2 (the minimum lowered by a test setting).</summary>
public sealed class ShortTtlGatewayFixture : GatewayFixture
{
    protected override int DisconnectAfterSeconds => 2;
}
