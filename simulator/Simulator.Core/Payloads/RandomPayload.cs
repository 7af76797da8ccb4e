namespace Simulator.Core.Payloads;

/// <summary>Random binary messages, each of a size drawn uniformly between the profile's bounds.</summary>
internal sealed class RandomPayload : DevicePayload
{
    private readonly Random _random;
    private readonly int _sizeMin;
    private readonly int _sizeMax;

    public RandomPayload(int seed, int sizeMin, int sizeMax)
    {
        _random = new Random(seed);
        _sizeMin = sizeMin;
        _sizeMax = sizeMax;
    }

    public override int MaxBytes => _sizeMax;

    public override int Write(Span<byte> span, long sequence, long unixMs)
    {
        var size = _sizeMin == _sizeMax ? _sizeMin : _random.Next(_sizeMin, _sizeMax + 1);
        _random.NextBytes(span[..size]);
        return size;
    }
}
