using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Simulator.Core.CustomAuth;
using Simulator.Core.Tokens;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;

namespace Simulator.Gateway.Auth;

/// <summary>
/// AWS IoT Core's custom-auth front door (A.1-A.3): pick the authorizer (named or default), find
/// the token under its key name, check the token signature before any authorizer runs, invoke it
/// with AWS's event, and validate its response. Never logs tokens or signatures.
/// </summary>
public sealed partial class CustomAuthPipeline
{
    private readonly Dictionary<string, (AuthorizerOptions Options, LambdaFunction Authorizer, RSA[] SigningKeys)> _authorizers;
    private readonly string? _defaultAuthorizer;
    private readonly GatewayCounters _counters;
    private readonly FaultState _faults;
    private readonly int _minTtl;
    private readonly ILogger _logger;

    public CustomAuthPipeline(IEnumerable<(AuthorizerOptions Options, LambdaFunction Authorizer, RSA[] SigningKeys)> authorizers, string? defaultAuthorizer, GatewayCounters counters, FaultState faults, int minimumTtlSeconds, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _authorizers = authorizers.ToDictionary(a => a.Options.Name, StringComparer.Ordinal);
        _defaultAuthorizer = defaultAuthorizer;
        _counters = counters;
        _faults = faults;
        _minTtl = minimumTtlSeconds;
    }

    /// <summary>Every authorizer's token key name: any of them on an HTTP request means it carries custom-auth values.</summary>
    public IReadOnlyCollection<string> TokenKeyNames => [.. _authorizers.Values.Select(a => a.Options.TokenKeyName).Distinct(StringComparer.OrdinalIgnoreCase)];

    public async Task<AuthOutcome> AuthenticateAsync(AuthRequest request, CancellationToken cancellationToken)
    {
        var outcome = await RunAsync(request, cancellationToken).ConfigureAwait(false);
        if (outcome.Allowed)
        {
            _counters.Allowed();
        }
        else
        {
            _counters.Denied(outcome.Reason);

            // Details name the authorizer, the key name and lengths, never a token, signature or key.
            LogDenied(_logger, request.Protocol, request.ClientId ?? "-", outcome.Reason, outcome.Detail ?? string.Empty);
        }

        return outcome;
    }

    /// <summary>Counts a refusal decided outside the pipeline (a policy denial, an upgrade without credentials).</summary>
    public void CountDenied(DenyReason reason) => _counters.Denied(reason);

    private async Task<AuthOutcome> RunAsync(AuthRequest request, CancellationToken cancellationToken)
    {
        // Values come from the MQTT username's query string, or from HTTP headers then the query string.
        Dictionary<string, string>? usernameQuery = null;
        if (request.MqttUsername is { } username && username.IndexOf('?', StringComparison.Ordinal) is var q and >= 0)
        {
            usernameQuery = QueryString.Parse(username.AsSpan(q + 1));
        }

        var query = QueryString.Parse(request.QueryString);
        string? Lookup(string key)
        {
            if (usernameQuery is not null && usernameQuery.TryGetValue(key, out var u))
            {
                return u;
            }

            if (request.Headers.TryGetValue(key, out var h))
            {
                return h;
            }

            return query.TryGetValue(key, out var v) ? v : null;
        }

        var name = Lookup(CustomAuthCredentials.AuthorizerNameKey) ?? _defaultAuthorizer;
        if (name is null || !_authorizers.TryGetValue(name, out var entry))
        {
            return AuthOutcome.Deny(DenyReason.NoAuthorizer, name is null ? "no authorizer named and no default" : $"no authorizer '{name}'");
        }

        if (entry.Options.Status != "ACTIVE")
        {
            return AuthOutcome.Deny(DenyReason.AuthorizerInactive, $"authorizer '{name}' is {entry.Options.Status}");
        }

        var token = Lookup(entry.Options.TokenKeyName);
        if (!entry.Options.SigningDisabled)
        {
            if (token is null)
            {
                return AuthOutcome.Deny(DenyReason.MissingToken, $"no '{entry.Options.TokenKeyName}' value");
            }

            if (token.Length > DeviceTokenVerifier.MaxTokenLength)
            {
                return AuthOutcome.Deny(DenyReason.TokenTooLong, $"token of {token.Length} characters exceeds 6144");
            }

            var signature = Lookup(CustomAuthCredentials.SignatureKey);
            if (signature is null)
            {
                return AuthOutcome.Deny(DenyReason.MissingSignature, "signing is enabled and no token signature was sent");
            }

            // A.2: a bad signature stops the request before the authorizer runs.
            if (!TokenSignature.Verify(entry.SigningKeys, token, signature))
            {
                return AuthOutcome.Deny(DenyReason.BadSignature, "the token signature does not verify");
            }
        }
        else if (token is { Length: > DeviceTokenVerifier.MaxTokenLength })
        {
            return AuthOutcome.Deny(DenyReason.TokenTooLong, $"token of {token.Length} characters exceeds 6144");
        }

        // enableCachingForHttp: an allowed answer is kept on the HTTPS connection for refreshAfterInSeconds, per token.
        var cache = request.Protocol == "http" && entry.Options.EnableCachingForHttp ? request.HttpConnectionItems : null;
        var cacheKey = cache is null ? null : new HttpAuthCacheKey(entry.Options.Name, token);
        if (cache is not null && cache.TryGetValue(cacheKey!, out var kept) && kept is HttpAuthCacheEntry { } hit && Environment.TickCount64 < hit.UntilMs)
        {
            _counters.HttpAuthCacheHit();
            return hit.Outcome;
        }

        var authEvent = new AuthorizerEvent
        {
            Token = token,
            SignatureVerified = !entry.Options.SigningDisabled,
            Protocols = request.Protocol == "mqtt" ? ["tls", "mqtt"] : ["tls", "http"],
            ProtocolData = new ProtocolData
            {
                Tls = new TlsData { ServerName = request.ServerName },
                Http = request.Protocol == "http" ? new HttpData { Headers = request.Headers.ToDictionary(StringComparer.Ordinal), QueryString = request.QueryString } : null,
                Mqtt = request.Protocol == "mqtt" ? new MqttData { Username = request.MqttUsername, Password = request.MqttPassword is { } p ? Convert.ToBase64String(p) : null, ClientId = request.ClientId } : null,
            },
            ConnectionMetadata = new ConnectionMetadata { Id = request.ConnectionId ?? Guid.NewGuid().ToString() },
        };

        AuthorizerResponse response;
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            // Injected latency is the function running slower: it holds a unit of the function's
            // concurrency and runs into its timeout (AWS's 5 s unless a lambda section says otherwise).
            var faults = _faults.Current;
            response = await entry.Authorizer.InvokeAsync(authEvent, request.IsRefresh, faults.AuthorizerLatencyMs, cancellationToken).ConfigureAwait(false);

            // An injected failure is a function that ran (and took its time) and then failed.
            if (faults.AuthorizerFailureRate > 0 && Random.Shared.NextDouble() < faults.AuthorizerFailureRate)
            {
                _faults.CountInjected();
                throw new InvalidOperationException("injected authorizer failure");
            }
        }
        catch (LambdaThrottledException e)
        {
            return AuthOutcome.Deny(DenyReason.AuthorizerThrottled, e.Message);
        }
        catch (LambdaTimeoutException e)
        {
            return AuthOutcome.Deny(DenyReason.AuthorizerTimeout, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return AuthOutcome.Deny(DenyReason.AuthorizerFailed, $"authorizer '{name}' failed: {e.GetType().Name}");
        }
        finally
        {
            _counters.AuthorizerCalled(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        var outcome = Validate(response, name);
        if (cache is not null && outcome.Allowed)
        {
            cache[cacheKey!] = new HttpAuthCacheEntry(outcome, Environment.TickCount64 + (outcome.RefreshAfterSeconds * 1000L));
        }

        return outcome;
    }

    /// <summary>A.3: principalId pattern, at most 10 documents of at most 2048 characters, TTLs within bounds.</summary>
    private AuthOutcome Validate(AuthorizerResponse response, string name)
    {
        if (!response.IsAuthenticated)
        {
            return AuthOutcome.Deny(DenyReason.AuthorizerDenied, $"authorizer '{name}' answered isAuthenticated=false");
        }

        if (response.PrincipalId is null || !PrincipalPattern().IsMatch(response.PrincipalId))
        {
            return AuthOutcome.Deny(DenyReason.InvalidResponse, "principalId must be 1 to 128 letters or digits");
        }

        var docs = response.DocumentTexts().ToList();
        if (docs.Count > 10 || docs.Any(d => d.Length > 2048))
        {
            return AuthOutcome.Deny(DenyReason.InvalidResponse, "at most 10 policy documents of at most 2048 characters");
        }

        if (response.DisconnectAfterInSeconds < _minTtl || response.DisconnectAfterInSeconds > 86_400
            || response.RefreshAfterInSeconds < _minTtl || response.RefreshAfterInSeconds > 86_400)
        {
            return AuthOutcome.Deny(DenyReason.InvalidResponse, $"disconnectAfterInSeconds and refreshAfterInSeconds must be {_minTtl} to 86400");
        }

        IotPolicy policy;
        try
        {
            policy = IotPolicy.Parse(docs);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return AuthOutcome.Deny(DenyReason.InvalidResponse, "a policy document is not valid: " + e.Message);
        }

        return new AuthOutcome(DenyReason.None, policy, response.PrincipalId, response.DisconnectAfterInSeconds, response.RefreshAfterInSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "custom auth denied ({Protocol}, client {ClientId}): {Reason}: {Detail}")]
    private static partial void LogDenied(ILogger logger, string protocol, string clientId, DenyReason reason, string detail);

    [GeneratedRegex("^[a-zA-Z0-9]{1,128}$")]
    private static partial Regex PrincipalPattern();
}
