namespace Simulator.Hosting;

/// <summary>What the warm-up met: how many devices tried and connected, and each refusal's class with one scrubbed example.</summary>
internal sealed record WarmUpResult(int Planned, int Tried, int Connected, IReadOnlyDictionary<string, int> Failures, string? Example)
{
    public static WarmUpResult None { get; } = new(0, 0, 0, new Dictionary<string, int>(), null);

    /// <summary>Every device that tried was refused outright: none connected, none merely ran out of time.</summary>
    public bool RefusedAll => Tried > 0 && Connected == 0 && Failures.Values.Sum() == Tried;

    /// <summary>The refusals in words, the commonest first: "TcpRefused ×2 (e.g. …)".</summary>
    public string Describe() =>
        string.Join(", ", Failures.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} ×{f.Value}"))
        + (Example is null ? string.Empty : $" (e.g. {Example})");
}
