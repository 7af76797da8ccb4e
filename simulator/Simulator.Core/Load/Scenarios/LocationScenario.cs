using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// The nRF Cloud location scenario, as nRF Connect SDK's REST client does it: A-GNSS fetched with
/// the device's ES256 JWT in Range requests of 1700 bytes until content-range says the whole
/// arrived, then a ground fix from the serving and neighbour cells. A 401 is a named failure.
/// </summary>
internal sealed class LocationScenario : IDeviceScenario
{
    public const int AgnssFragmentSize = 1700;

    private readonly DeviceSettings _device;
    private readonly Uri _base;
    private readonly HttpClient _http;
    private readonly ITokenSource _tokens;
    private readonly DelayScheduler _scheduler;
    private readonly IDeviceRecorder _recorder;

    /// <param name="http">The run's one pooled client for nRF Cloud, made by the connector.</param>
    public LocationScenario(DeviceSettings device, Uri nrfCloudBase, HttpClient http, ITokenSource tokens, DelayScheduler scheduler, IDeviceRecorder recorder)
    {
        _device = device;
        _base = nrfCloudBase;
        _http = http;
        _tokens = tokens;
        _scheduler = scheduler;
        _recorder = recorder;
    }

    public async Task<SessionEnd> RunAsync(ScenarioDevice d, CancellationToken stop)
    {
        var http = _http;
        var device = _device;
        var connected = false;
        var first = true;
        long connectedAt = 0;
        while (true)
        {
            string token;
            try
            {
                token = (await _tokens.GetAsync(d.Identity, _recorder, stop).ConfigureAwait(false)).Token;
            }
            catch (AttemptFailedException e)
            {
                return d.FailOrDrop(_recorder, e.FailureClass, connected, connectedAt);
            }

            var eci = 21_000_000 + (d.Identity.Index % 100_000);
            var body = $$"""{"types":[1,2,3,4,6,7,9],"mcc":242,"mnc":1,"tac":{{4000 + (d.Identity.Index % 50)}},"eci":{{eci}}}""";
            long received = 0, total = long.MaxValue;
            while (received < total)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, "/v1/location/agnss"))
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Accept.ParseAdd("*/*");
                request.Headers.Range = new RangeHeaderValue(received, received + AgnssFragmentSize - 1);
                var r0 = Stopwatch.GetTimestamp();
                HttpResponseMessage response;
                try
                {
                    response = await http.SendAsync(request, stop).ConfigureAwait(false);
                }
                catch (HttpRequestException e)
                {
                    return d.FailOrDrop(
                        _recorder,
                        e.InnerException is System.Security.Authentication.AuthenticationException ? "TlsHandshake" : e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded ? "HttpTooLarge" : "HttpConnect",
                        connected,
                        connectedAt);
                }
                catch (TaskCanceledException) when (!stop.IsCancellationRequested)
                {
                    return d.FailOrDrop(_recorder, "HttpTimeout", connected, connectedAt);
                }

                using (response)
                {
                    if ((int)response.StatusCode != 206)
                    {
                        return d.FailOrDrop(_recorder, $"Http{(int)response.StatusCode}", connected, connectedAt);
                    }

                    var bytes = await response.Content.ReadAsByteArrayAsync(stop).ConfigureAwait(false);
                    var range = response.Content.Headers.ContentRange;
                    if (range?.Length is not { } length || range.From != received)
                    {
                        return d.FailOrDrop(_recorder, "BadContentRange", connected, connectedAt);
                    }

                    // A 206 that brings nothing, or more than was asked for, would loop forever or overrun.
                    if (bytes.Length == 0 || bytes.Length > AgnssFragmentSize)
                    {
                        return d.FailOrDrop(_recorder, "BadContentRange", connected, connectedAt);
                    }

                    total = length;
                    received += bytes.Length;
                }

                _recorder.Record(Phase.Location, Stopwatch.GetElapsedTime(r0).TotalMilliseconds);
            }

            using (var fix = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, "/v1/location/ground-fix"))
            {
                Content = new StringContent($$"""{"lte":[{"mcc":242,"mnc":1,"tac":4003,"eci":{{eci}},"rsrp":-97,"nmr":[{"earfcn":6400,"pci":301,"rsrp":-110}]}]}""", Encoding.UTF8, "application/json"),
            })
            {
                fix.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                HttpResponseMessage response;
                try
                {
                    response = await http.SendAsync(fix, stop).ConfigureAwait(false);
                }
                catch (HttpRequestException)
                {
                    return d.FailOrDrop(_recorder, "HttpConnect", connected, connectedAt);
                }
                catch (TaskCanceledException) when (!stop.IsCancellationRequested)
                {
                    return d.FailOrDrop(_recorder, "HttpTimeout", connected, connectedAt);
                }

                using var owned = response;
                if (!response.IsSuccessStatusCode)
                {
                    return d.FailOrDrop(_recorder, $"Http{(int)response.StatusCode}", connected, connectedAt);
                }
            }

            _recorder.Published();
            if (!connected)
            {
                connected = true;
                connectedAt = d.Connected();
            }

            var interval = PublishSchedule.NextSeconds(device, first);
            first = false;
            await _scheduler.Delay(TimeSpan.FromSeconds(interval), stop).ConfigureAwait(false);
        }
    }
}
