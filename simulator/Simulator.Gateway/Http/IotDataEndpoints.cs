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
/// POST /topics/{topic}?qos= (A.1).
/// </summary>
public static class IotDataEndpoints
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
            AuthOutcome? outcome = null;
            if (HasCredentials(request, pipeline.TokenKeyNames))
            {
                outcome = await pipeline.AuthenticateAsync(request, context.RequestAborted).ConfigureAwait(false);
                if (!outcome.Allowed)
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
            await broker.RunSessionAsync(pipe, request with { Protocol = "mqtt" }, outcome, context.RequestAborted).ConfigureAwait(false);
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
            var request = HttpAuthRequest(context);
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

            var decoded = Uri.UnescapeDataString(topic);
            // No client id over HTTP: a header saying one is the caller's word, never the policy's (${iot:ClientId} matches nothing here).
            if (!outcome.Policy!.IsAllowed(IotAction.Publish, arn.Topic(decoded), PolicyContext.Http))
            {
                pipeline.CountDenied(DenyReason.PolicyDenied);
                return Results.Json(new Dictionary<string, string> { ["message"] = "Forbidden", ["traceId"] = trace }, GatewayJson.Context.DictionaryStringString, statusCode: 403);
            }

            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            if (body.Length > options.Quotas.MaxPayloadBytes)
            {
                return Results.Json(new Dictionary<string, string> { ["message"] = "Payload Too Large", ["traceId"] = trace }, GatewayJson.Context.DictionaryStringString, statusCode: 413);
            }

            await broker.RouteAsync(decoded, new ReadOnlySequence<byte>(body.GetBuffer(), 0, (int)body.Length), qosText == "1" ? MqttQos.AtLeastOnce : MqttQos.AtMostOnce).ConfigureAwait(false);
            return Results.Json(new Dictionary<string, string> { ["message"] = "OK", ["traceId"] = trace }, GatewayJson.Context.DictionaryStringString);
        });
    }

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
