using Simulator.Core.Identity;

namespace Simulator.Core.Payloads;

/// <summary>
/// The run's message body, settled once from the profile: nRF9160 telemetry, a template, or random
/// binary. Immutable; each device gets its own <see cref="DevicePayload"/> from it.
/// </summary>
internal sealed class PayloadFormat
{
    /// <summary>AWS IoT Core's largest message payload (128 KB), and so the largest size a profile may ask for.</summary>
    public const int MaxSizeBytes = 128 * 1024;

    private readonly PayloadTemplate? _template;
    private readonly bool _random;
    private readonly int _sizeMin;
    private readonly int _sizeMax;

    private PayloadFormat(PayloadTemplate? template, bool random, int sizeMin, int sizeMax)
    {
        _template = template;
        _random = random;
        _sizeMin = sizeMin;
        _sizeMax = sizeMax;
    }

    /// <summary>The default: nRF9160-like telemetry JSON.</summary>
    public static PayloadFormat Telemetry { get; } = new(null, false, 0, 0);

    /// <summary>Messages from a template; a pad fills each to a size from <paramref name="sizeMin"/> to <paramref name="sizeMax"/>.</summary>
    public static PayloadFormat FromTemplate(PayloadTemplate template, int sizeMin, int sizeMax) => new(template, false, sizeMin, sizeMax);

    /// <summary>Random binary of <paramref name="sizeMin"/> to <paramref name="sizeMax"/> bytes.</summary>
    public static PayloadFormat RandomBytes(int sizeMin, int sizeMax) => new(null, true, sizeMin, sizeMax);

    /// <summary>One device's payload, with its own random source seeded by its index (a run's messages repeat with its seed).</summary>
    public DevicePayload For(DeviceIdentity identity) =>
        _template is { } t ? new TemplatePayload(t, identity, _sizeMin, _sizeMax)
        : _random ? new RandomPayload(identity.Index, _sizeMin, _sizeMax)
        : new TelemetryPayload(identity.Imei, identity.Index);
}
