namespace Simulator.Core.Load.Profiles;

/// <summary>
/// A reconnect policy's values (see <see cref="ReconnectSettings"/>): a backoff is drawn below a
/// ceiling that grows with the failures in a row, exponentially or linearly up to a maximum, with
/// full jitter or none; a device gives up after <see cref="MaxAttempts"/> failures in a row.
/// </summary>
internal sealed record ReconnectPolicy(int BaseMilliseconds, int MaxMilliseconds, int MaxAttempts, ReconnectJitter Jitter, int StartTimerMilliseconds, ReconnectShape Shape, int IncrementMilliseconds)
{
    /// <summary>Never giving up, as the clients that retry forever do.</summary>
    public const int Forever = int.MaxValue;

    /// <summary>
    /// The presets' values. AWS IoT Device SDKs: aws-c-mqtt's MQTT 5 client defaults
    /// (AWS_MQTT5_DEFAULT_MIN_RECONNECT_DELAY_MS 1000, _MAX_ 120000, full jitter). MQTT.js: its
    /// reconnectPeriod of 1000 ms, fixed. Asset Tracker Template: its cloud module's Kconfig
    /// defaults (APP_CLOUD_BACKOFF_INITIAL_SECONDS 60, linear, increment 60, maximum 3600).
    /// </summary>
    public static ReconnectPolicy Of(ReconnectPreset preset) => preset switch
    {
        ReconnectPreset.AwsIotSdk => new(500, 120_000, Forever, ReconnectJitter.Full, 0, ReconnectShape.Exponential, 0),
        ReconnectPreset.MqttJs => new(500, 1_000, Forever, ReconnectJitter.None, 0, ReconnectShape.Exponential, 0),
        ReconnectPreset.AssetTracker => new(30_000, 3_600_000, Forever, ReconnectJitter.None, 0, ReconnectShape.Linear, 60_000),
        _ => new(500, 30_000, 8, ReconnectJitter.Full, 0, ReconnectShape.Exponential, 0),
    };

    /// <summary>The ceiling of the backoff before attempt <paramref name="attempt"/> (failures in a row, from 1), ms.</summary>
    public double CeilingMilliseconds(int attempt) => Math.Min(
        MaxMilliseconds,
        Shape == ReconnectShape.Linear ? (2.0 * BaseMilliseconds) + ((Math.Max(attempt, 1) - 1) * (double)IncrementMilliseconds) : BaseMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
}
