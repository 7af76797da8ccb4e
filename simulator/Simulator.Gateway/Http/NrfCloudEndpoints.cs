using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Simulator.Core.NrfCloud;
using Simulator.Core.Tokens;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;

namespace Simulator.Gateway.Http;

/// <summary>
/// nRF Cloud REST (C.3): provisioning under API-key auth (OnboardDevices, RegisterPublicKeys,
/// bulk-ops polling) and location under device JWT (A-GNSS with Range, ground fix).
/// Errors are {"code","message"}: 40100 bad token, 41600 bad range, 42200 validation.
/// </summary>
internal static class NrfCloudEndpoints
{
    private static readonly string[] FwTypes = ["APP", "MODEM", "BOOT", "SOFTDEVICE", "BOOTLOADER", "MDM_FULL"];

    public static void Map(IEndpointRouteBuilder app, GatewayOptions options, PublicKeyRegistry registry, TimeProvider time)
    {
        var ops = new ConcurrentDictionary<string, BulkOp>(StringComparer.Ordinal);

        app.MapPost("/v1/devices", (Func<HttpContext, Task<IResult>>)(c => Bulk(c, "ONBOARD_DEVICES", onboard: true)));
        app.MapPost("/v1/devices/public-keys", (Func<HttpContext, Task<IResult>>)(c => Bulk(c, "REGISTER_PUBLIC_KEYS", onboard: false)));

        app.MapGet("/v1/bulk-ops-requests/{id}", (HttpContext c, string id) =>
        {
            if (!ApiKeyOk(c, options))
            {
                return Error(401, 40100, "Unauthorized: a valid API key is required");
            }

            if (!ops.TryGetValue(id, out var op))
            {
                return Error(404, 40410, "Bulk ops request not found");
            }

            var now = time.GetUtcNow();
            var done = now >= op.CompletesAt;
            var status = !done ? "PENDING" : op.Errors.Count > 0 ? "FAILED" : "SUCCEEDED";
            var body = new Dictionary<string, object>
            {
                ["bulkOpsRequestId"] = op.Id,
                ["endpoint"] = op.Endpoint,
                ["status"] = status,
                ["requestedAt"] = op.RequestedAt.ToString("O"),
                ["uploadedDataUrl"] = $"https://{c.Request.Host}/v1/bulk-ops-requests/{op.Id}/uploaded.csv",
            };
            if (done)
            {
                body["completedAt"] = op.CompletesAt.ToString("O");
            }

            if (done && op.Errors.Count > 0)
            {
                body["errorSummaryUrl"] = $"https://{c.Request.Host}/v1/bulk-ops-requests/{op.Id}/errors.json";
            }

            return Results.Json(body, GatewayJson.Context.DictionaryStringObject);
        });

        app.MapGet("/v1/bulk-ops-requests/{id}/errors.json", (HttpContext c, string id) =>
            ops.TryGetValue(id, out var op)
                ? Results.Json(new Dictionary<string, object> { ["errors"] = op.Errors.ToArray() }, GatewayJson.Context.DictionaryStringObject)
                : Error(404, 40410, "Bulk ops request not found"));

        app.MapMethods("/v1/location/agnss", ["POST", "HEAD"], async (HttpContext c) =>
        {
            if (!DeviceJwtOk(c, registry, time))
            {
                return Error(401, 40100, "Unauthorized: the device JWT is not valid");
            }

            IReadOnlyList<int> types = AgnssData.DefaultTypes;
            long cell = 0;
            if (c.Request.ContentLength is > 0 || c.Request.Headers.ContentType.Count > 0)
            {
                // A request names a cell and a few types: read at most 4 KB of it, and each type
                // once, from the ones that exist (a 2 MB list of types once built a 2 GB answer).
                var body = await RequestBody.ReadAsync(c.Request, AgnssData.MaxRequestBytes, c.RequestAborted).ConfigureAwait(false);
                if (body is null)
                {
                    return Error(413, 41300, $"Request body larger than {AgnssData.MaxRequestBytes} bytes");
                }

                try
                {
                    using var json = JsonDocument.Parse(body);
                    var root = json.RootElement;
                    if (root.TryGetProperty("types", out var t))
                    {
                        var asked = t.EnumerateArray().Select(x => x.GetInt32()).Distinct().ToList();
                        if (asked.Count == 0 || asked.Any(x => !AgnssData.IsType(x)))
                        {
                            return Error(400, 40000, $"Bad request body: types must be a non-empty list of {AgnssData.MinType} to {AgnssData.MaxType}");
                        }

                        types = asked;
                    }

                    cell = root.TryGetProperty("eci", out var eci) ? eci.GetInt64() : 0;
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
                {
                    return Error(400, 40000, "Bad request body: " + e.Message);
                }
            }

            var data = AgnssData.Build(types, cell, time.GetUtcNow().ToUnixTimeSeconds() / 3600);
            c.Response.Headers.AcceptRanges = "bytes";
            if (HttpMethods.IsHead(c.Request.Method))
            {
                c.Response.ContentLength = data.Length;
                return Results.Empty;
            }

            var range = c.Request.Headers.Range.ToString();
            if (string.IsNullOrEmpty(range))
            {
                return Results.Bytes(data, "application/octet-stream");
            }

            if (!TryParseRange(range, data.Length, out var start, out var end))
            {
                c.Response.Headers.ContentRange = $"bytes */{data.Length}";
                return Error(416, 41600, "Range Not Satisfiable");
            }

            c.Response.StatusCode = 206;
            c.Response.Headers.ContentRange = $"bytes {start}-{end}/{data.Length}";
            c.Response.ContentType = "application/octet-stream";
            c.Response.ContentLength = end - start + 1;
            await c.Response.Body.WriteAsync(data.AsMemory(start, end - start + 1), c.RequestAborted).ConfigureAwait(false);
            return Results.Empty;
        });

        app.MapPost("/v1/location/ground-fix", async (HttpContext c) =>
        {
            if (!DeviceJwtOk(c, registry, time))
            {
                return Error(401, 40100, "Unauthorized: the device JWT is not valid");
            }

            // A request names a cell or two and some access points: a few KB. The body is read
            // with a bound, so a large one costs the gateway nothing beyond the bound.
            var body = await RequestBody.ReadAsync(c.Request, MaxGroundFixBytes, c.RequestAborted).ConfigureAwait(false);
            if (body is null)
            {
                return Error(413, 41300, $"Payload too large: a ground-fix request is at most {MaxGroundFixBytes} bytes");
            }

            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var aps = root.TryGetProperty("wifi", out var wifi) && wifi.TryGetProperty("accessPoints", out var list) ? list.GetArrayLength() : 0;
                if (!root.TryGetProperty("lte", out var lte) && aps < 2)
                {
                    return Error(400, 40000, "Bad request: lte cells or at least two Wi-Fi access points are required");
                }

                var cellEl = lte.ValueKind == JsonValueKind.Array && lte.GetArrayLength() > 0 ? lte[0] : default;
                var eci = cellEl.ValueKind == JsonValueKind.Object && cellEl.TryGetProperty("eci", out var e) ? e.GetInt64() : 0;
                var neighbours = cellEl.ValueKind == JsonValueKind.Object && cellEl.TryGetProperty("nmr", out var nmr) ? nmr.GetArrayLength() : 0;
                var (kind, uncertainty) = aps >= 2 ? ("WIFI", 30) : neighbours > 0 ? ("MCELL", 600) : ("SCELL", 1500);
                return Results.Json(
                    new Dictionary<string, object>
                    {
                        ["lat"] = Math.Round(63.4215 + ((eci % 997) / 10000.0), 6),
                        ["lon"] = Math.Round(10.4379 + ((eci % 991) / 10000.0), 6),
                        ["uncertainty"] = uncertainty,
                        ["fulfilledWith"] = kind,
                    },
                    GatewayJson.Context.DictionaryStringObject);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                return Error(400, 40000, "Bad request body: " + e.Message);
            }
        });

        async Task<IResult> Bulk(HttpContext c, string endpoint, bool onboard)
        {
            if (!ApiKeyOk(c, options))
            {
                return Error(401, 40100, "Unauthorized: a valid API key is required");
            }

            using var reader = new StreamReader(c.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(c.RequestAborted).ConfigureAwait(false);
            var rows = NrfCloudCsv.Parse(body);
            if (rows.Count == 0)
            {
                return Error(422, 42200, "Validation Failed: the CSV has no rows");
            }

            if (rows.Count > NrfCloudCsv.MaxRowsPerFile)
            {
                return Error(422, 42200, $"Validation Failed: {rows.Count} rows; at most {NrfCloudCsv.MaxRowsPerFile} per request");
            }

            var errors = new List<string>();
            for (var i = 0; i < rows.Count; i++)
            {
                var problem = ValidateRow(rows[i], onboard, out var deviceId, out var spki);
                if (problem is not null)
                {
                    errors.Add($"[{i}]: {problem}");
                }
                else
                {
                    registry.Register(deviceId!, spki!);
                }
            }

            var now = time.GetUtcNow();
            var id = NewUlid(now);
            // Finished operations stay readable for an hour, then go: a long-running gateway keeps its memory flat.
            foreach (var (oldId, old) in ops)
            {
                if (old.CompletesAt < now.AddHours(-1))
                {
                    ops.TryRemove(oldId, out _);
                }
            }

            ops[id] = new BulkOp(id, endpoint, now, now.AddMilliseconds(200), errors, rows.Count);
            return Results.Json(new Dictionary<string, string> { ["bulkOpsRequestId"] = id }, GatewayJson.Context.DictionaryStringString, statusCode: 202);
        }
    }

    private static string? ValidateRow(CsvRow row, bool onboard, out string? deviceId, out byte[]? spki)
    {
        deviceId = null;
        spki = null;
        if (row.UnterminatedQuote)
        {
            return $"line {row.Line}: unterminated quoted PEM";
        }

        var expected = onboard ? 5 : 2;
        if (row.Fields.Length != expected)
        {
            return $"line {row.Line}: expected {expected} fields, got {row.Fields.Length}";
        }

        if (!NrfCloudCsv.IsValidDeviceId(row.Fields[0]))
        {
            return $"line {row.Line}: deviceId must match /^[a-z0-9:_-]{{1,128}}$/i";
        }

        if (onboard && row.Fields[3].Length > 0 && row.Fields[3].Split('|').Any(f => !FwTypes.Contains(f)))
        {
            return $"line {row.Line}: fwTypes must be | separated values of {string.Join(", ", FwTypes)}";
        }

        var pem = row.Fields[expected - 1];
        try
        {
            if (pem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
            {
                using var cert = X509Certificate2.CreateFromPem(pem);
                using var key = cert.GetECDsaPublicKey() ?? throw new CryptographicException("not an EC certificate");
                spki = key.ExportSubjectPublicKeyInfo();
            }
            else
            {
                using var key = ECDsa.Create();
                key.ImportFromPem(pem);
                if (key.KeySize != 256)
                {
                    return $"line {row.Line}: the key is not P-256";
                }

                spki = key.ExportSubjectPublicKeyInfo();
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return $"line {row.Line}: the PEM is not a valid {(onboard ? "certificate or " : string.Empty)}public key";
        }

        deviceId = row.Fields[0];
        return null;
    }

    // In fixed time: how long a wrong key takes to refuse says nothing of how much of it was right.
    internal static bool ApiKeyOk(HttpContext c, GatewayOptions options) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(c.Request.Headers.Authorization.ToString()),
            System.Text.Encoding.UTF8.GetBytes("Bearer " + options.NrfCloudApiKey));

    /// <summary>
    /// A device's ES256 JWT, signed by its registered key. One without exp is accepted, as nRF Cloud
    /// accepts what AT%JWT emits without a lifetime (no iat, no exp); one with exp must be current and
    /// live at most NRF_CLOUD_JWT_VALID_TIME_S_MAX.
    /// </summary>
    private static bool DeviceJwtOk(HttpContext c, PublicKeyRegistry registry, TimeProvider time)
    {
        var auth = c.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        var opened = new List<ECDsa>();
        try
        {
            var verifier = new DeviceTokenVerifier(id =>
            {
                var k = registry.Open(id);
                if (k is not null)
                {
                    opened.Add(k);
                }

                return k;
            }, clockSkewSeconds: 60, requireExpiry: false, maxLifetimeSeconds: Core.Tokens.DeviceTokenOptions.MaxLifetimeSeconds);
            return verifier.Verify(auth[7..].Trim(), time.GetUtcNow().ToUnixTimeSeconds(), out _) == JwtRejectReason.None;
        }
        finally
        {
            foreach (var k in opened)
            {
                k.Dispose();
            }
        }
    }

    /// <summary>RFC 9110 §14.1.2 single range "bytes=a-b" (or "a-"), clipped to the body.</summary>
    public static bool TryParseRange(string header, int total, out int start, out int end)
    {
        start = end = 0;
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        var spec = header[6..].Split('-', 2);
        if (spec.Length != 2 || !int.TryParse(spec[0], System.Globalization.CultureInfo.InvariantCulture, out start) || start >= total)
        {
            return false;
        }

        end = spec[1].Length == 0 ? total - 1 : int.TryParse(spec[1], System.Globalization.CultureInfo.InvariantCulture, out var e) ? e : -1;
        if (end < start)
        {
            return false;
        }

        end = Math.Min(end, total - 1);
        return true;
    }

    /// <summary>The largest ground-fix request read: [U] nRF Cloud documents none; 64 KB holds a serving cell with its neighbours and hundreds of access points.</summary>
    internal const int MaxGroundFixBytes = 64 * 1024;

    private static IResult Error(int status, int code, string message) =>
        Results.Json(new Dictionary<string, object> { ["code"] = code, ["message"] = message }, GatewayJson.Context.DictionaryStringObject, statusCode: status);

    private static string NewUlid(DateTimeOffset now)
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var chars = new char[26];
        var ms = now.ToUnixTimeMilliseconds();
        for (var i = 9; i >= 0; i--)
        {
            chars[i] = alphabet[(int)(ms % 32)];
            ms /= 32;
        }

        var random = RandomNumberGenerator.GetBytes(16);
        for (var i = 10; i < 26; i++)
        {
            chars[i] = alphabet[random[i - 10] % 32];
        }

        return new string(chars);
    }
}
