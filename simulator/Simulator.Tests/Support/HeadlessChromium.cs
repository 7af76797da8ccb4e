using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Simulator.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol: open a page, evaluate
/// JavaScript in it while it lives (a live page never finishes loading, so --dump-dom cannot wait
/// for it), and take screenshots.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _socket;
    private readonly TempDir _profile;
    private int _id;

    private HeadlessChromium(Process process, ClientWebSocket socket, TempDir profile)
    {
        _process = process;
        _socket = socket;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> OpenAsync(Uri page, TimeSpan timeout)
    {
        var profile = new TempDir();
        var psi = new ProcessStartInfo("chromium")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--window-size=1200,1300", "--remote-debugging-port=0", $"--user-data-dir={profile.Path}", page.ToString()])
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("chromium did not start");
        _ = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        string? browser = null;
        while (browser is null)
        {
            var line = await process.StandardError.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("chromium exited before its DevTools endpoint was up");
            if (line.StartsWith("DevTools listening on ", StringComparison.Ordinal))
            {
                browser = line["DevTools listening on ".Length..].Trim();
            }
        }

        _ = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is not null)
            {
            }
        });

        // The page's own endpoint, from the browser's list of targets.
        var http = new Uri(browser.Replace("ws://", "http://", StringComparison.Ordinal));
        using var client = new HttpClient();
        string? pageSocket = null;
        while (pageSocket is null)
        {
            var list = JsonDocument.Parse(await client.GetStringAsync(new Uri(http, "/json/list"), cts.Token));
            pageSocket = list.RootElement.EnumerateArray().Where(t => t.GetProperty("type").GetString() == "page").Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
            if (pageSocket is null)
            {
                await Task.Delay(100, cts.Token);
            }
        }

        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(pageSocket), cts.Token);
        return new HeadlessChromium(process, socket, profile);
    }

    /// <summary>The value of a JavaScript expression in the page, as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken ct = default)
    {
        var result = await CallAsync("Runtime.evaluate", new Dictionary<string, object> { ["expression"] = expression, ["returnByValue"] = true }, ct);
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Polls an expression until it is true, or fails the test with what it last was.</summary>
    public async Task WaitForAsync(string expression, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var v = await EvaluateAsync(expression);
            if (v.ValueKind == JsonValueKind.True)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                var state = await EvaluateAsync("JSON.stringify(document.body.dataset)");
                Assert.Fail($"the page never made this true within {timeout.TotalSeconds:F0} s: {expression} (the page's data: {state})");
            }

            await Task.Delay(200);
        }
    }

    public async Task ScreenshotAsync(string file)
    {
        var result = await CallAsync("Page.captureScreenshot", new Dictionary<string, object> { ["format"] = "png" }, CancellationToken.None);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, Convert.FromBase64String(result.GetProperty("data").GetString()!));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Abort();
            _socket.Dispose();
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            _profile.Dispose();
        }
    }

    private async Task<JsonElement> CallAsync(string method, Dictionary<string, object> parameters, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _id);
        var request = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["id"] = id, ["method"] = method, ["params"] = parameters });
        await _socket.SendAsync(request, WebSocketMessageType.Text, endOfMessage: true, ct);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await _socket.ReceiveAsync(buffer, ct);
                message.Write(buffer, 0, r.Count);
            }
            while (!r.EndOfMessage);

            using var doc = JsonDocument.Parse(message.ToArray());
            if (doc.RootElement.TryGetProperty("id", out var got) && got.GetInt32() == id)
            {
                return doc.RootElement.TryGetProperty("result", out var result)
                    ? result.Clone()
                    : throw new InvalidOperationException($"{method}: {Encoding.UTF8.GetString(message.ToArray())}");
            }
        }
    }
}
