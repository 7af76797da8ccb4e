namespace Simulator.Gateway.Auth;

/// <summary>What arrived with a connection or request, as the pipeline needs it to build the event.</summary>
public sealed record AuthRequest
{
    public required string Protocol { get; init; } // "mqtt", "http" (WSS and HTTPS publish)

    public required string ServerName { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>With its leading '?', or empty.</summary>
    public string QueryString { get; init; } = string.Empty;

    public string? MqttUsername { get; init; }

    public byte[]? MqttPassword { get; init; }

    public string? ClientId { get; init; }

    /// <summary>The client's IP address (lifecycle events' ipAddress).</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>connectionMetadata.id: one per connection, kept by its policy refreshes; null makes a new one.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>A policy refresh of a live connection, counted apart from connect invocations.</summary>
    public bool IsRefresh { get; init; }

    /// <summary>An HTTPS publish's connection's own items (Kestrel's, one set per kept-alive connection): where an authorizer with enableCachingForHttp keeps its answer. Null: no caching.</summary>
    public IDictionary<object, object?>? HttpConnectionItems { get; init; }
}
