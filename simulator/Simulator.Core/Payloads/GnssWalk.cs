namespace Simulator.Core.Payloads;

/// <summary>A device's GNSS fix: it starts somewhere around Trondheim and wanders up to about 11 m a message.</summary>
internal sealed class GnssWalk
{
    /// <summary>Decimals a coordinate is written with (about 0.1 m).</summary>
    public const int Decimals = 6;

    private readonly Random _random;

    public GnssWalk(Random random)
    {
        _random = random;
        Latitude = 63.40 + (random.NextDouble() * 0.1);
        Longitude = 10.35 + (random.NextDouble() * 0.1);
    }

    public double Latitude { get; private set; }

    public double Longitude { get; private set; }

    /// <summary>The next message's fix.</summary>
    public void Step()
    {
        Latitude += (_random.NextDouble() - 0.5) * 0.0002;
        Longitude += (_random.NextDouble() - 0.5) * 0.0002;
    }
}
