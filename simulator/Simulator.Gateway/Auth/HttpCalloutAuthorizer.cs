using System.Net.Http.Json;

namespace Simulator.Gateway.Auth;

/// <summary>POSTs the event JSON to a URL and uses the answer, so a user's real authorizer code can sit behind it. 5 s, as the Lambda timeout.</summary>
internal sealed class HttpCalloutAuthorizer : IAuthorizer
{
    private readonly HttpClient _http;
    private readonly Uri _url;

    public HttpCalloutAuthorizer(HttpClient http, Uri url)
    {
        _http = http;
        _url = url;
    }

    public async Task<AuthorizerResponse> InvokeAsync(AuthorizerEvent authEvent, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        using var response = await _http.PostAsJsonAsync(_url, authEvent, AuthJsonContext.Default.AuthorizerEvent, timeout.Token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(AuthJsonContext.Default.AuthorizerResponse, timeout.Token).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the callout answered null");
    }
}
