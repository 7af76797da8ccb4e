using Simulator.Core.Payloads;

namespace Simulator.Core.Load.Profiles;

/// <summary>
/// What each message carries (docs/profiles.md, "Payloads"). A template's fields are
/// <c>{{deviceId}}</c>, <c>{{iccid}}</c>, <c>{{imei}}</c>, <c>{{index}}</c> (per device),
/// <c>{{seq}}</c>, <c>{{timeMs}}</c>, <c>{{time}}</c>, <c>{{random:MIN:MAX}}</c>, <c>{{lat}}</c>,
/// <c>{{lon}}</c> (per message) and <c>{{pad}}</c>.
/// </summary>
/// <param name="Kind">"telemetry" (the default), "template" or "random".</param>
/// <param name="Template">The template's text; only with kind "template".</param>
/// <param name="SizeBytes">A random body's size, or the size a template's {{pad}} fills each message to; with SizeMaxBytes, the lower bound of a uniform draw per message.</param>
/// <param name="SizeMaxBytes">The upper bound of each message's size (at most 131072, AWS IoT Core's limit); null: always SizeBytes.</param>
internal sealed record PayloadSettings(
    PayloadKind Kind = PayloadKind.Telemetry,
    string? Template = null,
    int? SizeBytes = null,
    int? SizeMaxBytes = null)
{
    /// <summary>The run's message body, compiled once; call only on settings that passed the profile's checks.</summary>
    internal PayloadFormat ToFormat()
    {
        var min = SizeBytes ?? 0;
        var max = SizeMaxBytes ?? min;
        switch (Kind)
        {
            case PayloadKind.Template:
                if (!PayloadTemplate.TryParse(Template ?? "", out var template, out var error))
                {
                    throw new InvalidOperationException($"device.payload.template was not checked: {error}");
                }

                return PayloadFormat.FromTemplate(template!, min, max);
            case PayloadKind.Random:
                return PayloadFormat.RandomBytes(min, max);
            default:
                return PayloadFormat.Telemetry;
        }
    }
}
