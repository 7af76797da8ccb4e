using System.Text.Json;
using Simulator.Core.Tokens;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;

namespace Simulator.Gateway.Auth;

/// <summary>
/// The 1NCE custom JWT authorizer (B.1): validates the issuer token and its expiry, requires the
/// ICCID it names to be the MQTT client id when one is sent, and grants the seed's policy:
/// iot:Connect on client/&lt;iccid&gt;, publish and receive on topic/&lt;iccid&gt;/*, subscribe on topicfilter/&lt;iccid&gt;/*.
/// </summary>
internal sealed class OnceAuthorizer : IAuthorizer
{
    private readonly OnceIssuerTokens _issuer;
    private readonly IotArn _arn;
    private readonly AuthorizerOptions _options;
    private readonly TimeProvider _time;

    public OnceAuthorizer(OnceIssuerTokens issuer, IotArn arn, AuthorizerOptions options, TimeProvider time)
    {
        _issuer = issuer;
        _arn = arn;
        _options = options;
        _time = time;
    }

    public Task<AuthorizerResponse> InvokeAsync(AuthorizerEvent authEvent, CancellationToken cancellationToken)
    {
        var denied = new AuthorizerResponse { IsAuthenticated = false };
        if (authEvent.TokenOrPassword() is not { } token)
        {
            return Task.FromResult(denied);
        }

        if (_issuer.Validate(token, _time.GetUtcNow().ToUnixTimeSeconds(), out var iccid) != JwtRejectReason.None || iccid is null)
        {
            return Task.FromResult(denied);
        }

        if (authEvent.ProtocolData.Mqtt?.ClientId is { } clientId && clientId != iccid)
        {
            return Task.FromResult(denied);
        }

        var policy = JsonSerializer.SerializeToElement(
            new Dictionary<string, object>
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new object[]
                {
                    new Dictionary<string, object> { ["Action"] = new[] { "iot:Connect" }, ["Resource"] = new[] { _arn.Client(iccid) }, ["Effect"] = "Allow" },
                    new Dictionary<string, object> { ["Action"] = new[] { "iot:Publish", "iot:Receive" }, ["Resource"] = new[] { _arn.Topic(iccid + "/*") }, ["Effect"] = "Allow" },
                    new Dictionary<string, object> { ["Action"] = new[] { "iot:Subscribe" }, ["Resource"] = new[] { _arn.TopicFilter(iccid + "/*") }, ["Effect"] = "Allow" },
                },
            },
            GatewayJson.Context.DictionaryStringObject);
        return Task.FromResult(new AuthorizerResponse
        {
            IsAuthenticated = true,
            PrincipalId = iccid,
            PolicyDocuments = [policy],
            DisconnectAfterInSeconds = _options.DisconnectAfterInSeconds,
            RefreshAfterInSeconds = _options.RefreshAfterInSeconds,
        });
    }
}
