using System.Runtime.CompilerServices;
using Simulator.Core.Errors;

namespace Simulator.Core.Scenarios;

/// <summary>
/// One device's attempt as its scenario sees it: who the device is, its connector and its clock,
/// and the run's stop. Used by the device's own session only, one call at a time (a firmware's
/// main loop); <see cref="DeviceSession"/> says what may run beside it.
/// </summary>
public sealed class DeviceContext
{
    internal DeviceContext(string scenarioName, DeviceInfo device, IScenarioHost host, CancellationToken stopping)
    {
        ScenarioName = scenarioName;
        Device = device;
        Host = host;
        Stopping = stopping;
    }

    /// <summary>The scenario's name.</summary>
    public string ScenarioName { get; }

    /// <summary>Who the device is.</summary>
    public DeviceInfo Device { get; }

    /// <summary>Cancelled when the run stops this device (ramp-down, the end of the run); every wait here ends with it.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>
    /// Whether the device is a visitor of an arrival-rate phase: it makes this one attempt and its
    /// session, then leaves (it does not reconnect), so the session should end when its work is done.
    /// </summary>
    public bool IsVisit => Host.IsVisit;

    /// <summary>The open session, or null before the first connect and after a disconnect.</summary>
    public DeviceSession? Session { get; private set; }

    internal IScenarioHost Host { get; }

    /// <summary>
    /// Connects as the profile says: the token source (1NCE onboarding, the device's own ES256 JWT),
    /// the transport (TLS with ALPN mqtt, WSS with custom-auth headers, TCP), the TLS provider and
    /// the radio link; every phase goes into the run's histograms and the attempt is counted. A
    /// refusal throws a <see cref="ConnectionFailedException"/> (or the token source's failure),
    /// already counted under its class.
    /// </summary>
    public async Task<DeviceSession> ConnectAsync()
    {
        if (Session is { IsOpen: true })
        {
            throw new InvalidOperationException("the device is connected already: disconnect first");
        }

        var session = new DeviceSession(this);
        var connection = await Host.ConnectAsync(session.OnMessage, Stopping).ConfigureAwait(false);
        session.Attach(connection);
        Session = session;
        return session;
    }

    /// <summary>
    /// Opens the device's HTTPS publishing (AWS IoT's <c>POST /topics</c>): fetches or signs its
    /// token as the profile says (a failure fails the attempt, counted under its class, and
    /// throws) and makes its client; the device connects at its first successful publish.
    /// </summary>
    public async Task<DeviceHttps> OpenHttpsAsync()
    {
        await Host.OpenHttpsAsync(Stopping).ConfigureAwait(false);
        return new DeviceHttps(this);
    }

    /// <summary>
    /// nRF Cloud's location REST API for this device, with its own ES256 JWT as the profile's token
    /// source makes it. Throws <see cref="InvalidOperationException"/> when the target has no nRF
    /// Cloud endpoint (the embedded gateway has one; an endpoint target names it in
    /// <c>target.nrfCloudUrl</c>).
    /// </summary>
    public DeviceNrfCloud OpenNrfCloud() => Host.HasNrfCloud
        ? new DeviceNrfCloud(this)
        : throw new InvalidOperationException("the target has no nRF Cloud REST endpoint (target.nrfCloudUrl)");

    /// <summary>
    /// Waits on the run's scheduler (so a fleet's waits cost one timer thread, and nothing is
    /// allocated per wait). While connected, a session that ends during the wait ends it at once
    /// with the session's failure, as firmware hears its MQTT library's disconnect event; the run's
    /// stop ends it with an <see cref="OperationCanceledException"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitAsync(TimeSpan delay)
    {
        var closed = Session is { IsOpen: true } open ? open.Closed : null;
        await Host.WaitAsync(delay, closed, Stopping).ConfigureAwait(false);
        Stopping.ThrowIfCancellationRequested();
        if (closed is { IsCompleted: true })
        {
            throw await closed.ConfigureAwait(false) ?? new ConnectionFailedException(FailureKind.ClosedByServer, "the session ended during a wait");
        }
    }

    /// <summary>
    /// Makes this attempt end, when the scenario returns, as a modem's power-saving sleep (PSM):
    /// the device is counted asleep, neither connected nor failed, and wakes for its next attempt
    /// <paramref name="period"/> after this wake was due (a periodic timer counts from its last
    /// wake, not from when the device fell asleep), or at once if that time has passed. Disconnect
    /// first; returning with the session open disconnects it.
    /// </summary>
    public void Sleep(TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.Zero);
        Host.Sleep(period);
    }

    internal void Ended(DeviceSession session)
    {
        if (ReferenceEquals(Session, session))
        {
            Session = null;
        }
    }
}
