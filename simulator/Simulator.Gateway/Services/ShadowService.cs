using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Simulator.Gateway.Services;

/// <summary>
/// The Device Shadow service on MQTT (AWS IoT Developer Guide, "Device Shadow service documents" and
/// "Device Shadow MQTT topics"): get, update and delete of classic and named shadows, answered on
/// <c>/accepted</c> or <c>/rejected</c>, an update also on <c>/documents</c> and, when desired then
/// differs from reported, on <c>/delta</c>. An update merges: a null deletes its key, an object
/// merges into the object there, anything else replaces. A request's version, when given, must be
/// the shadow's (409 otherwise); a state document over 8 KB is refused (413). Answers go to whoever
/// subscribed to them and may receive them, the requester included, as AWS publishes them.
/// Thread-safe: each shadow under its own lock.
/// </summary>
internal sealed class ShadowService
{
    /// <summary>AWS's limit on a classic shadow's state document, in bytes.</summary>
    public const int MaxStateBytes = 8 * 1024;

    private readonly ConcurrentDictionary<string, ShadowDocument> _shadows = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public ShadowService(TimeProvider time) => _time = time;

    /// <summary>The answers to one request.</summary>
    public IReadOnlyList<ShadowAnswer> Handle(ShadowTopic request, ReadOnlySpan<byte> payload)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        JsonObject? body = null;
        if (!payload.IsEmpty)
        {
            try
            {
                body = JsonNode.Parse(payload) as JsonObject;
            }
            catch (JsonException)
            {
            }

            if (body is null)
            {
                return [Reject(request, 400, "Invalid JSON", now, null)];
            }
        }

        var token = body?["clientToken"]?.GetValueKind() == JsonValueKind.String ? body["clientToken"]!.GetValue<string>() : null;
        var shadow = _shadows.GetOrAdd(request.Key, static _ => new ShadowDocument());
        lock (shadow.Gate)
        {
            return request.Operation switch
            {
                "get" => Get(request, shadow, now, token),
                "update" => Update(request, shadow, body, now, token),
                _ => Delete(request, shadow, body, now, token),
            };
        }
    }

    private IReadOnlyList<ShadowAnswer> Get(ShadowTopic request, ShadowDocument shadow, long now, string? token)
    {
        if (!shadow.Exists)
        {
            return [Reject(request, 404, $"No shadow exists with name: '{request.Name ?? request.Thing}'", now, token)];
        }

        var state = new JsonObject();
        if (shadow.Desired.Count > 0)
        {
            state["desired"] = shadow.Desired.DeepClone();
        }

        if (shadow.Reported.Count > 0)
        {
            state["reported"] = shadow.Reported.DeepClone();
        }

        if (Delta(shadow.Desired, shadow.Reported) is { } delta)
        {
            state["delta"] = delta;
        }

        var answer = new JsonObject
        {
            ["state"] = state,
            ["metadata"] = Metadata(shadow),
            ["version"] = shadow.Version,
            ["timestamp"] = now,
        };
        return [Accept(request.Response("accepted"), answer, token)];
    }

    private List<ShadowAnswer> Update(ShadowTopic request, ShadowDocument shadow, JsonObject? body, long now, string? token)
    {
        if (body?["state"] is not JsonObject state)
        {
            return [Reject(request, 400, "Missing required node: state", now, token)];
        }

        if (Encoding.UTF8.GetByteCount(state.ToJsonString()) > MaxStateBytes)
        {
            return [Reject(request, 413, "The payload exceeds the maximum size allowed", now, token)];
        }

        if (body["version"] is JsonValue v && v.TryGetValue<long>(out var expected) && expected != shadow.Version)
        {
            return [Reject(request, 409, "Version conflict", now, token)];
        }

        var desired = state["desired"];
        var reported = state["reported"];
        if (desired is not null and not JsonObject || reported is not null and not JsonObject)
        {
            return [Reject(request, 400, "Invalid JSON: desired and reported must be objects", now, token)];
        }


        var previous = shadow.Exists ? Snapshot(shadow) : null;
        var metadata = new JsonObject();
        if (desired is JsonObject d)
        {
            Merge(shadow.Desired, shadow.DesiredMetadata, d, now);
            metadata["desired"] = Stamp(d, now);
        }

        if (reported is JsonObject r)
        {
            Merge(shadow.Reported, shadow.ReportedMetadata, r, now);
            metadata["reported"] = Stamp(r, now);
        }

        shadow.Version++;
        shadow.Exists = true;
        var answers = new List<ShadowAnswer>(3)
        {
            Accept(request.Response("accepted"), new JsonObject { ["state"] = state.DeepClone(), ["metadata"] = metadata, ["version"] = shadow.Version, ["timestamp"] = now }, token),
            Accept($"{request.Base}/update/documents", new JsonObject { ["previous"] = previous, ["current"] = Snapshot(shadow), ["timestamp"] = now }, token),
        };

        // The delta goes out when an update touched desired and desired now differs from reported.
        if (desired is not null && Delta(shadow.Desired, shadow.Reported) is { } delta)
        {
            answers.Add(Accept($"{request.Base}/update/delta", new JsonObject { ["state"] = delta, ["version"] = shadow.Version, ["timestamp"] = now }, token));
        }

        return answers;
    }

    private IReadOnlyList<ShadowAnswer> Delete(ShadowTopic request, ShadowDocument shadow, JsonObject? body, long now, string? token)
    {
        if (!shadow.Exists)
        {
            return [Reject(request, 404, $"No shadow exists with name: '{request.Name ?? request.Thing}'", now, token)];
        }

        if (body?["version"] is JsonValue v && v.TryGetValue<long>(out var expected) && expected != shadow.Version)
        {
            return [Reject(request, 409, "Version conflict", now, token)];
        }

        shadow.Exists = false;
        shadow.Desired = [];
        shadow.Reported = [];
        shadow.DesiredMetadata = [];
        shadow.ReportedMetadata = [];
        return [Accept(request.Response("accepted"), new JsonObject { ["version"] = shadow.Version, ["timestamp"] = now }, token)];
    }

    private static ShadowAnswer Accept(string topic, JsonObject body, string? token)
    {
        if (token is not null)
        {
            body["clientToken"] = token;
        }

        return new ShadowAnswer(topic, Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    private static ShadowAnswer Reject(ShadowTopic request, int code, string message, long now, string? token)
    {
        var body = new JsonObject { ["code"] = code, ["message"] = message, ["timestamp"] = now };
        if (token is not null)
        {
            body["clientToken"] = token;
        }

        return new ShadowAnswer(request.Response("rejected"), Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    private static JsonObject Snapshot(ShadowDocument shadow) => new()
    {
        ["state"] = new JsonObject { ["desired"] = shadow.Desired.DeepClone(), ["reported"] = shadow.Reported.DeepClone() },
        ["metadata"] = Metadata(shadow),
        ["version"] = shadow.Version,
    };

    private static JsonObject Metadata(ShadowDocument shadow)
    {
        var m = new JsonObject();
        if (shadow.DesiredMetadata.Count > 0)
        {
            m["desired"] = shadow.DesiredMetadata.DeepClone();
        }

        if (shadow.ReportedMetadata.Count > 0)
        {
            m["reported"] = shadow.ReportedMetadata.DeepClone();
        }

        return m;
    }

    /// <summary>Merges <paramref name="change"/> into <paramref name="into"/>: null deletes, an object merges, anything else replaces; each leaf's time is kept beside.</summary>
    private static void Merge(JsonObject into, JsonObject times, JsonObject change, long now)
    {
        foreach (var (key, value) in change)
        {
            if (value is null)
            {
                into.Remove(key);
                times.Remove(key);
            }
            else if (value is JsonObject child && into[key] is JsonObject existing)
            {
                Merge(existing, times[key] as JsonObject ?? (JsonObject)(times[key] = new JsonObject()), child, now);
            }
            else
            {
                into[key] = value.DeepClone();
                times[key] = Stamp(value, now);
            }
        }
    }

    /// <summary>The metadata of a value: its shape, each leaf replaced by {"timestamp": now}.</summary>
    private static JsonObject Stamp(JsonNode? value, long now)
    {
        if (value is JsonObject o)
        {
            var m = new JsonObject();
            foreach (var (key, child) in o)
            {
                m[key] = child is null ? null : Stamp(child, now);
            }

            return m;
        }

        return new JsonObject { ["timestamp"] = now };
    }

    /// <summary>What desired holds that reported does not (recursively for objects), or null when they agree.</summary>
    private static JsonObject? Delta(JsonObject desired, JsonObject reported)
    {
        JsonObject? delta = null;
        foreach (var (key, want) in desired)
        {
            var have = reported[key];
            JsonNode? differs = want is JsonObject w && have is JsonObject h ? Delta(w, h) : JsonNode.DeepEquals(want, have) ? null : want?.DeepClone();
            if (differs is not null)
            {
                (delta ??= [])[key] = differs;
            }
        }

        return delta;
    }
}
