using System.Globalization;
using System.Text.Json.Nodes;
using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Results;

/// <summary>The profile as results show it: its own text, with what derives keys or carries credentials taken out.</summary>
internal static partial class ProfileRedaction
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// The profile's own text as run, minus what derives keys: the fleet seed becomes a fingerprint
    /// (enough to tell two runs' fleets apart, useless to rebuild their keys). What the run settled
    /// beyond the text is written in: the shard, this shard's source addresses, the start instant.
    /// </summary>
    public static JsonObject WithoutSecrets(RunOptions profile)
    {
        var node = profile.Document.DeepClone().AsObject();
        if (node["fleet"] is not JsonObject fleet)
        {
            node["fleet"] = fleet = [];
        }

        fleet.Remove("seed");
        fleet["seedFingerprint"] = profile.Fleet.Seed is { } seed ? seed.Fingerprint : profile.Fleet.SeedFingerprint;
        if (profile.Fleet.Shard is { } shard)
        {
            fleet["shard"] = shard.ToString();
        }

        if (profile.Transport.SourceAddresses.Count > 0 && node["transport"] is JsonObject transport)
        {
            transport["sourceAddresses"] = new JsonArray([.. profile.Transport.SourceAddresses.Select(a => (JsonNode?)a.ToString())]);
        }

        if (profile.StartAt is { } at)
        {
            node["startAt"] = at.ToString("O", Inv);
        }

        // The embedded gateway's settings carry keys (nrfCloudApiKey) and URLs that may carry credentials (an authorizer's calloutUrl).
        if (node["gateway"] is { } gateway)
        {
            RedactSettings(gateway);
        }

        return node;
    }

    /// <summary>Blanks every key-, secret-, password- or token-named value, and cuts userinfo, query and fragment off every URL.</summary>
    private static void RedactSettings(JsonNode node)
    {
        if (node is JsonObject o)
        {
            foreach (var (name, value) in o.ToList())
            {
                if (value is JsonValue v)
                {
                    if (SecretName().IsMatch(name))
                    {
                        o[name] = Errors.Secrets.Mark;
                    }
                    else if (RedactedUrl(v) is { } url)
                    {
                        o[name] = url;
                    }
                }
                else if (value is not null)
                {
                    RedactSettings(value);
                }
            }
        }
        else if (node is JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
            {
                if (a[i] is JsonValue v && RedactedUrl(v) is { } url)
                {
                    a[i] = url;
                }
                else if (a[i] is { } child)
                {
                    RedactSettings(child);
                }
            }
        }
    }

    private static string? RedactedUrl(JsonValue v) =>
        v.TryGetValue<string>(out var text) && Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}{(uri.UserInfo.Length > 0 || uri.Query.Length > 0 ? " (credentials " + Errors.Secrets.Mark + ")" : string.Empty)}"
            : null;

    [System.Text.RegularExpressions.GeneratedRegex("(key|secret|password|token|credential)s?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SecretName();
}
