namespace Simulator.Core.Payloads;

/// <summary>What one part of a payload template writes.</summary>
internal enum PayloadPartKind
{
    /// <summary>The template's own text, as written.</summary>
    Literal,

    /// <summary><c>{{deviceId}}</c>: the device's id.</summary>
    DeviceId,

    /// <summary><c>{{iccid}}</c>: the SIM's ICCID.</summary>
    Iccid,

    /// <summary><c>{{imei}}</c>: the modem's IMEI.</summary>
    Imei,

    /// <summary><c>{{index}}</c>: the device's place in the fleet, from 0.</summary>
    Index,

    /// <summary><c>{{seq}}</c>: the message's sequence number, from 1, kept across the device's sessions.</summary>
    Sequence,

    /// <summary><c>{{timeMs}}</c>: the send time in Unix milliseconds.</summary>
    TimeMs,

    /// <summary><c>{{time}}</c>: the send time in ISO 8601 UTC with milliseconds.</summary>
    TimeIso,

    /// <summary><c>{{random:MIN:MAX}}</c>: a uniform draw, with as many decimals as MIN or MAX is written with.</summary>
    Random,

    /// <summary><c>{{lat}}</c>: the latitude of a GNSS fix that wanders a few metres a message.</summary>
    Latitude,

    /// <summary><c>{{lon}}</c>: the longitude of the same fix.</summary>
    Longitude,

    /// <summary><c>{{pad}}</c>: filler ('x') that makes the message as long as its drawn size.</summary>
    Pad,
}
