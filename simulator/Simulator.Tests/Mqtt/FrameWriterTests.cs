using System.Buffers;
using System.IO.Pipelines;
using Simulator.Core.Mqtt;

namespace Simulator.Tests.Mqtt;

/// <summary>The frame writer owns the lock and the flush: frames never interleave, and a peer that stops reading holds only its own writer.</summary>
public sealed class FrameWriterTests
{
    [Fact]
    public async Task Frames_from_many_threads_never_interleave()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var frames = new MqttFrameWriter(pipe.Writer);
        var writers = Enumerable.Range(0, 16).Select(n => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await frames.WriteAsync((byte)n, static (w, b) =>
                {
                    // A frame in pieces: another writer slipping in between would split it.
                    for (var k = 0; k < 8; k++)
                    {
                        w.GetSpan(1)[0] = b;
                        w.Advance(1);
                        if (k == 4)
                        {
                            Thread.Sleep(1); // long enough for any other writer to get in, were the lock not held
                        }
                    }
                });
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await pipe.Writer.CompleteAsync();
        var all = new List<byte>();
        while (true)
        {
            var read = await pipe.Reader.ReadAsync();
            all.AddRange(BuffersExtensions.ToArray(read.Buffer));
            pipe.Reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        Assert.Equal(16 * 50 * 8, all.Count);
        for (var f = 0; f < all.Count; f += 8)
        {
            Assert.All(all.GetRange(f, 8), b => Assert.Equal(all[f], b));
        }
    }

    [Fact]
    public async Task A_flush_that_cannot_complete_keeps_the_lock_off_the_callers_path()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 16, resumeWriterThreshold: 8));
        var frames = new MqttFrameWriter(pipe.Writer);
        var delivered = await frames.TryWriteWithoutWaitingAsync(64, static (w, n) => w.Write(new byte[n]));
        Assert.True(delivered);
        Assert.True(frames.FlushPending, "the reader has not read: the flush is still pending");
        Assert.False(await frames.TryWriteAsync(0, static (_, _) => { }), "the pending flush holds the lock");

        var read = await pipe.Reader.ReadAsync();
        pipe.Reader.AdvanceTo(read.Buffer.End);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (frames.FlushPending && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.False(frames.FlushPending);
        Assert.True(await frames.TryWriteAsync(0, static (w, _) => w.Write(new byte[1])));
    }
}
