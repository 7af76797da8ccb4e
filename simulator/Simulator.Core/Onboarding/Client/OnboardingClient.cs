using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Simulator.Core.CustomAuth;
using Simulator.Core.NrfCloud;
using Simulator.Core.Onboarding;
using Simulator.Core.Transport;

namespace Simulator.Core.Onboarding.Client;

/// <summary>
/// The 1NCE JWT onboarding client (B.1): GET /device-api/onboarding/mqtt/tokens with Accept JSON or
/// CSV, the username decoded into authorizer name, signature and token as the seed's
/// <c>queryString.parse(username.split("?")[1])</c> does. 400 and 404 are named failures; 500 and
/// 503 are retried with exponential backoff and jitter (Polly), then named. One shared, pooled
/// HTTP client for all devices. The SIM header stands for the SIM's network address (see README).
/// </summary>
internal sealed class OnboardingClient : IDisposable
{
    public const string Path = "/device-api/onboarding/mqtt/tokens";
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly string _simHeader;
    private readonly bool _csv;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;

    /// <summary>The most of an answer read: a token, or certificates and a key, take a few KB; a service that sends more is refused, not buffered.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    /// <param name="connect">How its connections are opened (trust, source address, timeouts): by the one connector.</param>
    public OnboardingClient(Uri baseUrl, HttpConnectOptions connect, string simHeader = "X-Sim-Iccid", bool csv = false, int retries = 3)
    {
        _base = baseUrl;
        _simHeader = simHeader;
        _csv = csv;
        _http = TransportConnector.CreateHttpClient(connect with { MaxResponseContentBytes = connect.MaxResponseContentBytes ?? MaxAnswerBytes });
        _retry = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>().HandleResult(r => r.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.ServiceUnavailable),
            })
            .Build();
    }

    public async Task<OnboardingResult> FetchAsync(string iccid, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _retry.ExecuteAsync(
                async ct =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, Path));
                    request.Headers.TryAddWithoutValidation(_simHeader, iccid);
                    request.Headers.TryAddWithoutValidation("Accept", _csv ? "text/csv" : "application/json");
                    return await _http.SendAsync(request, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException)
        {
            throw new OnboardingException("OnboardingTls", e.InnerException.Message, inner: e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw new OnboardingException("OnboardingTooLarge", $"the answer is longer than {MaxAnswerBytes / 1024} KB", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new OnboardingException("OnboardingConnect", e.Message, inner: e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OnboardingException("OnboardingTimeout", "no answer in time", inner: e);
        }

        using (response)
        {
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw new OnboardingException("OnboardingConnect", "the connection broke while reading the answer", inner: e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new OnboardingException("OnboardingTimeout", "no whole answer in time", inner: e);
            }

            var status = (int)response.StatusCode;
            if (status != 200)
            {
                throw new OnboardingException($"Onboarding{status}", ErrorText(body), status);
            }

            return _csv ? ParseCsv(body) : ParseJson(body);
        }
    }

    public static OnboardingResult ParseJson(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var r = doc.RootElement;
            return Decode(r.GetProperty("username").GetString()!, r.GetProperty("iotCoreEndpointUrl").GetString()!, r.GetProperty("clientId").GetString()!, r.GetProperty("amazonRootCaUrl").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new OnboardingException("OnboardingBadResponse", "the JSON lacks username, iotCoreEndpointUrl, clientId or amazonRootCaUrl", inner: e);
        }
    }

    public static OnboardingResult ParseCsv(string body)
    {
        var rows = NrfCloudCsv.Parse(body.Trim());
        if (rows.Count != 1 || rows[0].Fields.Length < 4)
        {
            throw new OnboardingException("OnboardingBadResponse", "the CSV is not one line of username, endpoint, clientId, CA URL");
        }

        var f = rows[0].Fields;
        return Decode(f[0], f[1], f[2], f[3]);
    }

    private static OnboardingResult Decode(string username, string endpoint, string clientId, string caUrl)
    {
        var credentials = CustomAuthCredentials.FromUsername(username, "token", out _)
            ?? throw new OnboardingException("OnboardingBadResponse", "the username carries no token");
        return new OnboardingResult(username, endpoint, clientId, caUrl, credentials, ExpiryOf(credentials.Token));
    }

    /// <summary>The exp claim of a JWT, without verifying it (the client only needs to know when to refresh).</summary>
    public static long? ExpiryOf(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return doc.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var v) ? v : null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }
    }

    private static string ErrorText(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("statusText", out var s) ? s.GetString() ?? "error" : "error";
        }
        catch (JsonException)
        {
            return body.Length > 80 ? body[..80] : body;
        }
    }

    public void Dispose() => _http.Dispose();
}
