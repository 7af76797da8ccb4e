using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Simulator.Tests.Support;

/// <summary>
/// A user's authorizer function behind the gateway's <c>http</c> callout: a real HTTP server on
/// loopback that keeps every event it receives and answers what the test decides.
/// </summary>
public sealed class TestLambda : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<JsonElement> _events = [];

    private TestLambda(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}/authorize";
    }

    public string Url { get; }

    /// <summary>The events received so far, oldest first.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <param name="answer">Given an event, and how many events before it carried the same connectionMetadata.id, the response JSON.</param>
    public static async Task<TestLambda> StartAsync(Func<JsonElement, int, string> answer)
    {
        var port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var lambda = new TestLambda(app, port);
        app.MapPost("/authorize", async (HttpContext c) =>
        {
            using var doc = await JsonDocument.ParseAsync(c.Request.Body);
            var e = doc.RootElement.Clone();
            var id = e.GetProperty("connectionMetadata").GetProperty("id").GetString();
            int before;
            lock (lambda._events)
            {
                before = lambda._events.Count(x => x.GetProperty("connectionMetadata").GetProperty("id").GetString() == id);
                lambda._events.Add(e);
            }

            return Results.Text(answer(e, before), "application/json");
        });
        await app.StartAsync();
        return lambda;
    }

    /// <summary>An answer allowing everything for one principal, with the given session lifetimes.</summary>
    public static string Allow(bool allow, string principal, int disconnectAfterSeconds = 3600, int refreshAfterSeconds = 300)
    {
        const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Subscribe","iot:Receive","iot:Publish"],"Resource":"*"}]}""";
        return $$"""{"isAuthenticated":{{(allow ? "true" : "false")}},"principalId":"{{principal}}","disconnectAfterInSeconds":{{disconnectAfterSeconds}},"refreshAfterInSeconds":{{refreshAfterSeconds}},"policyDocuments":[{{Policy}}]}""";
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
