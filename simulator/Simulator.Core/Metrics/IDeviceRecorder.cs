namespace Simulator.Core.Metrics;

/// <summary>What a device records about its sessions: all a scenario may write, and nothing it may read.</summary>
internal interface IDeviceRecorder
{
    void Record(Phase phase, double milliseconds);

    void Published();

    void PubAcked(double ms);

    void ReceivedOwn(double ms);

    /// <summary>A cloud-to-device command arrived, <paramref name="ms"/> after the backend sent it.</summary>
    void CommandReceived(double ms);

    /// <summary>A duty-cycled device woke (its attempt follows).</summary>
    void Woke();

    /// <summary>A wake's awaited downlink did not come within the active time.</summary>
    void DownlinkMissed();

    /// <summary>An established session that ended without being asked to: its class, what the client last did, and its age.</summary>
    void SessionDropped(string reason, string lastAction = "None", double ageMs = double.NaN);

    /// <summary>A session the server closed, named once the fleet's view of that moment is in.</summary>
    void ServerClosed(string reason, string lastAction, double ageMs);

    /// <summary>A named scenario step ran: its time, and its failure class when it failed (null when it ran to the end).</summary>
    void Step(string name, double milliseconds, string? failureClass);

    /// <summary>Names an exception nobody named (<c>Unexpected:&lt;Type&gt;</c>), keeping its first message and stack.</summary>
    string Unexpected(Exception e);
}
