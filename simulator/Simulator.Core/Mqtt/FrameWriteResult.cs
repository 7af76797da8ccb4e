namespace Simulator.Core.Mqtt;

/// <summary>What became of a frame handed to <see cref="MqttFrameWriter.TryWriteWithoutWaitingAsync{TState}"/>.</summary>
internal enum FrameWriteResult
{
    /// <summary>Written to the output, or waiting in the backlog for the writer that holds the lock.</summary>
    Written,

    /// <summary>The output is closed: the frame is gone.</summary>
    Closed,

    /// <summary>The backlog is full (the peer reads slower than it is written to): the frame was not taken.</summary>
    Overflow,
}
