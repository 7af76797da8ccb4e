using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// nRF Cloud's location calls as nRF Connect SDK's REST client makes them: A-GNSS with the device's
/// ES256 JWT in Range requests of 1,700 bytes until content-range says the whole arrived, and a
/// ground fix from the serving and neighbour cells. Each request is timed into the run's
/// <see cref="Phase.Location"/> histogram; a failure throws a <see cref="StepFailedException"/>
/// with its name. Stateless: one serves a run.
/// </summary>
internal sealed class NrfCloudRequests(NrfCloudAccess api, IDeviceRecorder recorder)
{
    public async Task<long> AgnssAsync(string token, CellInfo cell, CancellationToken stop)
    {
        var body = $$"""{"types":[1,2,3,4,6,7,9],"mcc":{{cell.Mcc}},"mnc":{{cell.Mnc}},"tac":{{cell.Tac}},"eci":{{cell.Eci}}}""";
        long received = 0, total = long.MaxValue;
        while (received < total)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api.Base, "/v1/location/agnss"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.ParseAdd("*/*");
            request.Headers.Range = new RangeHeaderValue(received, received + DeviceNrfCloud.AgnssFragmentBytes - 1);
            var r0 = Stopwatch.GetTimestamp();
            using (var response = await SendAsync(request, stop).ConfigureAwait(false))
            {
                if ((int)response.StatusCode != 206)
                {
                    throw new StepFailedException($"Http{(int)response.StatusCode}", $"A-GNSS answered {(int)response.StatusCode}, not 206");
                }

                var bytes = await response.Content.ReadAsByteArrayAsync(stop).ConfigureAwait(false);
                var range = response.Content.Headers.ContentRange;
                if (range?.Length is not { } length || range.From != received)
                {
                    throw new StepFailedException("BadContentRange", $"A-GNSS answered a range that does not start at {received}");
                }

                // A 206 that brings nothing, or more than was asked for, would loop forever or overrun.
                if (bytes.Length == 0 || bytes.Length > DeviceNrfCloud.AgnssFragmentBytes)
                {
                    throw new StepFailedException("BadContentRange", $"A-GNSS answered {bytes.Length} bytes for a range of {DeviceNrfCloud.AgnssFragmentBytes}");
                }

                total = length;
                received += bytes.Length;
            }

            recorder.Record(Phase.Location, Stopwatch.GetElapsedTime(r0).TotalMilliseconds);
        }

        return received;
    }

    public async Task GroundFixAsync(string token, CellInfo cell, CancellationToken stop)
    {
        using var fix = new HttpRequestMessage(HttpMethod.Post, new Uri(api.Base, "/v1/location/ground-fix"))
        {
            Content = new StringContent($$"""{"lte":[{"mcc":{{cell.Mcc}},"mnc":{{cell.Mnc}},"tac":{{cell.Tac}},"eci":{{cell.Eci}},"rsrp":-97,"nmr":[{"earfcn":6400,"pci":301,"rsrp":-110}]}]}""", Encoding.UTF8, "application/json"),
        };
        fix.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var r0 = Stopwatch.GetTimestamp();
        using var response = await SendAsync(fix, stop).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new StepFailedException($"Http{(int)response.StatusCode}", $"the ground fix answered {(int)response.StatusCode}");
        }

        recorder.Record(Phase.Location, Stopwatch.GetElapsedTime(r0).TotalMilliseconds);
        recorder.Published();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken stop)
    {
        try
        {
            return await api.Http.SendAsync(request, stop).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException is System.Security.Authentication.AuthenticationException ? "TlsHandshake" : e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded ? "HttpTooLarge" : "HttpConnect";
            throw new StepFailedException(why, $"nRF Cloud could not be reached: {why}");
        }
        catch (TaskCanceledException) when (!stop.IsCancellationRequested)
        {
            throw new StepFailedException("HttpTimeout", "nRF Cloud did not answer in time");
        }
    }
}
