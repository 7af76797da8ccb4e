using System.Text;
using System.Text.Json;
using Simulator.Core.Tokens;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;

namespace Simulator.Gateway.Auth;

/// <summary>
/// Accepts ES256 device tokens (AT%JWT style) signed by keys registered through the nRF Cloud
/// endpoints, and grants a policy template in which {deviceId} is the token's device, written
/// literally (JSON-escaped, and IAM's $(*), $(?), $($) for its wildcard characters). The default
/// names the device's topics by its id, not by ${iot:ClientId}, so it holds over HTTPS publish too,
/// which has no client id; AWS policy variables in a custom template are left for the policy engine.
/// </summary>
internal sealed class DeviceJwtAuthorizer : IAuthorizer
{
    public const string DefaultTemplate = """
        {"Version":"2012-10-17","Statement":[
         {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:{region}:{account}:client/{deviceId}"},
         {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:{region}:{account}:topic/{deviceId}/*"},
         {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:{region}:{account}:topicfilter/{deviceId}/*"}]}
        """;

    private readonly PublicKeyRegistry _keys;
    private readonly IotArn _arn;
    private readonly AuthorizerOptions _options;
    private readonly TimeProvider _time;

    public DeviceJwtAuthorizer(PublicKeyRegistry keys, IotArn arn, AuthorizerOptions options, TimeProvider time)
    {
        _keys = keys;
        _arn = arn;
        _options = options;
        _time = time;
    }

    public Task<AuthorizerResponse> InvokeAsync(AuthorizerEvent authEvent, CancellationToken cancellationToken)
    {
        if (authEvent.TokenOrPassword() is not { } token)
        {
            return Task.FromResult(new AuthorizerResponse { IsAuthenticated = false });
        }

        var opened = new List<System.Security.Cryptography.ECDsa>();
        try
        {
            var verifier = new DeviceTokenVerifier(id =>
            {
                var key = _keys.Open(id);
                if (key is not null)
                {
                    opened.Add(key);
                }

                return key;
            }, _options.ClockSkewSeconds, _options.RequireExpiry, _options.MaxTokenLifetimeSeconds);
            if (verifier.Verify(Encoding.ASCII.GetBytes(token), _time.GetUtcNow().ToUnixTimeSeconds(), out var verified) != JwtRejectReason.None)
            {
                return Task.FromResult(new AuthorizerResponse { IsAuthenticated = false });
            }

            var policy = (_options.PolicyTemplate ?? DefaultTemplate)
                .Replace("{region}", _arn.Region, StringComparison.Ordinal)
                .Replace("{account}", _arn.Account, StringComparison.Ordinal)
                .Replace("{deviceId}", PolicyText(verified!.DeviceId), StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(policy);
            return Task.FromResult(new AuthorizerResponse
            {
                IsAuthenticated = true,
                PrincipalId = new string([.. verified.DeviceId.Where(char.IsAsciiLetterOrDigit).Take(128)]),
                PolicyDocuments = [doc.RootElement.Clone()],
                DisconnectAfterInSeconds = _options.DisconnectAfterInSeconds,
                RefreshAfterInSeconds = _options.RefreshAfterInSeconds,
            });
        }
        finally
        {
            foreach (var key in opened)
            {
                key.Dispose();
            }
        }
    }

    /// <summary>A device id as literal policy text inside a JSON string: IAM's escapes for its wildcard characters, then JSON's.</summary>
    internal static string PolicyText(string deviceId)
    {
        var literal = deviceId.Replace("$", "$($)", StringComparison.Ordinal).Replace("*", "$(*)", StringComparison.Ordinal).Replace("?", "$(?)", StringComparison.Ordinal);
        return System.Text.Json.JsonEncodedText.Encode(literal).ToString();
    }
}
