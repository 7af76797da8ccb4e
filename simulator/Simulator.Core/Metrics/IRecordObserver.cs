namespace Simulator.Core.Metrics;

/// <summary>
/// Told of each figure as the recorder records it, on the recording thread: what an exporter's
/// instruments need that a snapshot cannot give (a histogram of every sample, counters that keep
/// counting across a warm-up). Must not block.
/// </summary>
internal interface IRecordObserver
{
    void Phase(Phase phase, double milliseconds);

    void Connected();

    void AttemptFailed(string failureClass);

    void Crashed(string failureClass);

    void Dropped(string reason);

    void Published();

    void PubAcked();

    void Received();
}
