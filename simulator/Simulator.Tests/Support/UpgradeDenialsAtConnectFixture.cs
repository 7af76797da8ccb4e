using Simulator.Gateway.Config;

namespace Simulator.Tests.Support;

/// <summary>A gateway that answers a denied WebSocket upgrade at CONNECT (Mqtt5Options.DenyWebSocketUpgradesAtConnect) with 0x86 instead of 0x87.</summary>
public sealed class UpgradeDenialsAtConnectFixture : GatewayFixture
{
    protected override Mqtt5Options Mqtt5 => new() { DenyWebSocketUpgradesAtConnect = true, CustomAuthDenyReasonCode = 0x86 };
}
