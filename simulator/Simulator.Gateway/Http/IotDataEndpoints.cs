using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Simulator.Core.CustomAuth;
using Simulator.Core.Mqtt;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Broker;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;

namespace Simulator.Gateway.Http;

/// <summary>
/// The IoT data plane over HTTP/1.1: MQTT over WebSocket at /mqtt (custom auth in the upgrade's
/// headers or query string, subprotocols mqtt and mqttv3.1) and HTTPS publish at
/// POST /topics/{topic}?qos=&amp;retain= (A.1).
/// </summary>
internal static class IotDataEndpoints
{
    public static void Map(IEndpointRouteBuilder app, MqttBroker broker, CustomAuthPipeline pipeline, IotArn arn, GatewayOptions options)
    {
        app.Map("/mqtt", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
                return;
            }

            var offered = context.WebSockets.WebSocketRequestedProtocols;
            var subprotocol = offered.FirstOrDefault(p => p is "mqtt" or "mqttv3.1");
            if (subprotocol is null)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            var request = HttpAuthRequest(context);

            // Custom-auth values on the upgrade (headers or query): authenticate now, as AWS does for
            // the v1 SDK's wss-custom-auth. None (the v2 SDK's bare upgrade): accept the WebSocket and
            // run custom auth at CONNECT from the MQTT username and password, as over ALPN "mqtt".
            // The account's connect rate comes first, as at CONNECT over MQTT (QuotaOptions.
            // ThrottledConnectsInvokeAuthorizer): a throttled upgrade costs the authorizer nothing,
            // and is answered as a throttled MQTT connect is, by a close after CONNECT. A denied upgrade
            // is an HTTP 401 or 403, or, with Mqtt5Options.DenyWebSocketUpgradesAtConnect, accepted
            // and answered at CONNECT (an MQTT 5 CONNACK with the deny's reason code).
            AuthOutcome? outcome = null;
            var credentials = HasCredentials(request, pipeline.TokenKeyNames);
            var quota = !credentials || broker.Quotas.ThrottledConnectsInvokeAuthorizer ? UpgradeConnectQuota.NotChecked
                : broker.TryAccountConnectQuota() ? UpgradeConnectQuota.Taken
                : UpgradeConnectQuota.Throttled;
            if (credentials && quota != UpgradeConnectQuota.Throttled)
            {
                outcome = await pipeline.AuthenticateAsync(request, context.RequestAborted).ConfigureAwait(false);
                if (!outcome.Allowed && !broker.Mqtt5.DenyWebSocketUpgradesAtConnect)
                {
                    context.Response.StatusCode = outcome.Reason is DenyReason.MissingToken or DenyReason.MissingSignature or DenyReason.NoAuthorizer
                        ? StatusCodes.Status401Unauthorized
                        : StatusCodes.Status403Forbidden;
                    return;
                }
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = subprotocol, KeepAliveInterval = TimeSpan.Zero }).ConfigureAwait(false);
            await using var stream = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false);
            var pipe = new StreamDuplexPipe(stream);
            await broker.RunSessionAsync(pipe, request with { Protocol = "mqtt" }, outcome, quota, context.RequestAborted).ConfigureAwait(false);
            if (socket.State == WebSocketState.Open)
            {
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
                {
                }
            }
        });

        app.MapPost("/topics/{**topic}", async (HttpContext context, string topic) =>
        {
            var trace = Guid.NewGuid().ToString();
            var request = HttpAuthRequest(context) with { HttpConnectionItems = context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items };
            var outcome = await pipeline.AuthenticateAsync(request, context.RequestAborted).ConfigureAwait(false);
            if (!outcome.Allowed)
            {
                var status = outcome.Reason is DenyReason.MissingToken or DenyReason.NoAuthorizer ? 401 : 403;
                return Results.Json(new Dictionary<string, string> { ["message"] = status == 401 ? "Unauthorized" : "Forbidden", ["traceId"] = trace }, GatewayJson.Context.DictionaryStringString, statusCode: status);
            }

            var qosText = context.Request.Query["qos"].FirstOrDefault() ?? "0";
            if (qosText is not ("0" or "1"))
            {
                return Results.Json(new Dictionary<string, string> { ["message"] = "Invalid qos", ["traceId"] = trace }, GatewayJson.Context.DictionaryStringString, statusCode: 400);
            }

            // The topic is the path after /topics/, percent-decoded once: the server already decoded
            // all but %2F in the route value, and decoding that again made %2523 a '#'.
            if (TopicOf(context) is not { } decoded || !ValidTopic(decoded, options.Quotas))
            {
                return Results.Json(new Dictionary<string, string> { ["message"] = "Invalid topic", ["traceId"] = trace }, GatewayJson.Context.DictionaryStringString, statusCode: 400);
            }

            // ?retain=true keeps the message as the topic's retained one (iot-data Publish; an empty body deletes it), and needs iot:RetainPublish too.
            var retainText = context.Request.Query["retain"].FirstOrDefault() ?? "false";
            if (retainText is not ("true" or "false"))
            {
                return Results.Json(new Dictionary<string, string> { ["message"] = "Invalid retain", ["traceId"] = trace }, GatewayJson.Context.DictionaryStringString, statusCode: 400);
            }

            var retain = retainText == "true";

            // No client id over HTTP: a header saying one is the caller's word, never the policy's (${iot:ClientId} matches nothing here).
            var topicArn = arn.Topic(decoded);
            if (!outcome.Policy!.IsAllowed(IotAction.Publish, topicArn, PolicyContext.Http) || (retain && !outcome.Policy.IsAllowed(IotAction.RetainPublish, topicArn, PolicyContext.Http)))
            {
                pipeline.CountDenied(DenyReason.PolicyDenied);
                return Results.Json(new Dictionary<string, string> { ["message"] = "Forbidden", ["traceId"] = trace }, GatewayJson.Context.DictionaryStringString, statusCode: 403);
            }

            // At most the payload quota is read: a longer body is refused by its length, or as soon as it passes the quota.
            var body = await RequestBody.ReadAsync(context.Request, options.Quotas.MaxPayloadBytes, context.RequestAborted).ConfigureAwait(false);
            if (body is null)
            {
                return Results.Json(new Dictionary<string, string> { ["message"] = "Payload Too Large", ["traceId"] = trace }, GatewayJson.Context.DictionaryStringString, statusCode: 413);
            }

            var qos = qosText == "1" ? MqttQos.AtLeastOnce : MqttQos.AtMostOnce;
            if (retain)
            {
                broker.Retained.Set(decoded, new ReadOnlySequence<byte>(body), qos, ReadOnlyMemory<byte>.Empty);
            }

            await broker.RouteAsync(decoded, new ReadOnlySequence<byte>(body), qos).ConfigureAwait(false);
            return Results.Json(new Dictionary<string, string> { ["message"] = "OK", ["traceId"] = trace }, GatewayJson.Context.DictionaryStringString);
        });
    }

    /// <summary>The topic as the client wrote it in the request line, percent-decoded once; null when it is not valid UTF-8 text.</summary>
    private static string? TopicOf(HttpContext context)
    {
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty;
        var path = raw.Split('?', 2)[0];
        const string Prefix = "/topics/";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return Uri.UnescapeDataString(path[Prefix.Length..]);
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    /// <summary>A PUBLISH topic by MQTT's rules [MQTT-4.7.3-1, 4.7.1-1, 1.5.3-2] and AWS's limits (A.5): no wildcard, no U+0000, 256 bytes and 7 slashes at most.</summary>
    private static bool ValidTopic(string topic, QuotaOptions quotas) =>
        topic.Length > 0
        && topic.AsSpan().IndexOfAny('#', '+', '\0') < 0
        && System.Text.Encoding.UTF8.GetByteCount(topic) <= quotas.MaxTopicBytes
        && topic.AsSpan().Count('/') <= quotas.MaxTopicSlashes;

    private static AuthRequest HttpAuthRequest(HttpContext context) => new()
    {
        Protocol = "http",
        ServerName = context.Request.Host.Host,
        Headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        QueryString = context.Request.QueryString.Value ?? string.Empty,
        RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
    };

    private static bool HasCredentials(AuthRequest request, IReadOnlyCollection<string> tokenKeyNames)
    {
        var query = Simulator.Core.CustomAuth.QueryString.Parse(request.QueryString);
        return request.Headers.Keys.Concat(query.Keys).Any(k =>
            k.Equals(CustomAuthCredentials.AuthorizerNameKey, StringComparison.OrdinalIgnoreCase)
            || k.Equals(CustomAuthCredentials.SignatureKey, StringComparison.OrdinalIgnoreCase)
            || tokenKeyNames.Contains(k, StringComparer.OrdinalIgnoreCase));
    }
}
