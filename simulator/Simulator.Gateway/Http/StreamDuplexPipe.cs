using System.IO.Pipelines;
using Simulator.Core.Buffers;

namespace Simulator.Gateway.Http;

/// <summary>A stream (the WebSocket's) seen as a duplex pipe, so WebSocket and ALPN sessions share one code path.</summary>
internal sealed class StreamDuplexPipe : IDuplexPipe
{
    public StreamDuplexPipe(Stream stream)
    {
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(pool: BlockMemoryPool.Instance, bufferSize: BlockMemoryPool.BlockSize, leaveOpen: true, useZeroByteReads: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(pool: BlockMemoryPool.Instance, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }
}
