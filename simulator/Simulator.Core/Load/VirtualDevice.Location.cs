using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Simulator.Core.Metrics;

namespace Simulator.Core.Load;

/// <summary>
/// The nRF Cloud location scenario, as nRF Connect SDK's REST client does it: A-GNSS fetched with
/// the device's ES256 JWT in Range requests of 1700 bytes until content-range says the whole
/// arrived, then a ground fix from the serving and neighbour cells. A 401 is a named failure.
/// </summary>
public sealed partial class VirtualDevice
{
    public const int AgnssFragmentSize = 1700;

    private async Task<SessionEnd> RunLocationAsync(CancellationToken stop)
    {
        var http = _ctx.NrfCloudHttp ?? throw new InvalidOperationException("the location scenario needs target.nrfCloudUrl");
        var device = _ctx.Profile.Device;
        var connected = false;
        var first = true;
        long connectedAt = 0;
        while (true)
        {
            string token;
            try
            {
                token = (await _ctx.Tokens.GetAsync(_identity, stop).ConfigureAwait(false)).Token;
            }
            catch (AttemptFailedException e)
            {
                return Fail(e.FailureClass, connected, connectedAt);
            }

            var eci = 21_000_000 + (_identity.Index % 100_000);
            var body = $$"""{"types":[1,2,3,4,6,7,9],"mcc":242,"mnc":1,"tac":{{4000 + (_identity.Index % 50)}},"eci":{{eci}}}""";
            long received = 0, total = long.MaxValue;
            while (received < total)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_ctx.NrfCloudBase!, "/v1/location/agnss"))
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
                    return Fail(
                        e.InnerException is System.Security.Authentication.AuthenticationException ? "TlsHandshake" : e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded ? "HttpTooLarge" : "HttpConnect",
                        connected,
                        connectedAt);
                }
                catch (TaskCanceledException) when (!stop.IsCancellationRequested)
                {
                    return Fail("HttpTimeout", connected, connectedAt);
                }

                using (response)
                {
                    if ((int)response.StatusCode != 206)
                    {
                        return Fail($"Http{(int)response.StatusCode}", connected, connectedAt);
                    }

                    var bytes = await response.Content.ReadAsByteArrayAsync(stop).ConfigureAwait(false);
                    var range = response.Content.Headers.ContentRange;
                    if (range?.Length is not { } length || range.From != received)
                    {
                        return Fail("BadContentRange", connected, connectedAt);
                    }

                    // A 206 that brings nothing, or more than was asked for, would loop forever or overrun.
                    if (bytes.Length == 0 || bytes.Length > AgnssFragmentSize)
                    {
                        return Fail("BadContentRange", connected, connectedAt);
                    }

                    total = length;
                    received += bytes.Length;
                }

                _ctx.Metrics.Record(Phase.Location, Stopwatch.GetElapsedTime(r0).TotalMilliseconds);
            }

            using (var fix = new HttpRequestMessage(HttpMethod.Post, new Uri(_ctx.NrfCloudBase!, "/v1/location/ground-fix"))
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
                    return Fail("HttpConnect", connected, connectedAt);
                }
                catch (TaskCanceledException) when (!stop.IsCancellationRequested)
                {
                    return Fail("HttpTimeout", connected, connectedAt);
                }

                using var owned = response;
                if (!response.IsSuccessStatusCode)
                {
                    return Fail($"Http{(int)response.StatusCode}", connected, connectedAt);
                }
            }

            _ctx.Metrics.Published();
            if (!connected)
            {
                connected = true;
                connectedAt = Stopwatch.GetTimestamp();
                Succeeded();
                _life.Move(DeviceState.Connected);
            }

            var interval = PublishSchedule.NextSeconds(device, first);
            first = false;
            await _ctx.Scheduler.Delay(TimeSpan.FromSeconds(interval), stop).ConfigureAwait(false);
        }
    }
}
