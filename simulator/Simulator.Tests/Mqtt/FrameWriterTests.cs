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
        Assert.Equal(FrameWriteResult.Written, delivered);
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

    [Fact]
    public async Task While_the_peer_does_not_read_frames_wait_in_a_bounded_backlog_and_go_out_in_order()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 16, resumeWriterThreshold: 8));
        var frames = new MqttFrameWriter(pipe.Writer, backlogLimitBytes: 100);
        Assert.Equal(FrameWriteResult.Written, await frames.TryWriteWithoutWaitingAsync((byte)1, static (w, b) => w.Write(Enumerable.Repeat(b, 32).ToArray())));
        Assert.True(frames.FlushPending);

        // Nobody waits: three frames of 30 bytes join the backlog, the fourth would pass its 100 bytes.
        for (byte b = 2; b <= 4; b++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(FrameWriteResult.Written, await frames.TryWriteWithoutWaitingAsync(b, static (w, x) => w.Write(Enumerable.Repeat(x, 30).ToArray())));
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), "a writer waited on a peer that does not read");
        }

        Assert.Equal(90, frames.BacklogBytes);
        Assert.Equal(FrameWriteResult.Overflow, await frames.TryWriteWithoutWaitingAsync((byte)5, static (w, x) => w.Write(Enumerable.Repeat(x, 30).ToArray())));

        // The reader reads: the backlog follows the first frame, oldest first, and nothing else.
        var all = new List<byte>();
        while (all.Count < 32 + 90)
        {
            var read = await pipe.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            all.AddRange(BuffersExtensions.ToArray(read.Buffer));
            pipe.Reader.AdvanceTo(read.Buffer.End);
        }

        Assert.Equal(Enumerable.Repeat((byte)1, 32).Concat(Enumerable.Repeat((byte)2, 30)).Concat(Enumerable.Repeat((byte)3, 30)).Concat(Enumerable.Repeat((byte)4, 30)), all);
        Assert.Equal(0, frames.BacklogBytes);
    }

    [Fact]
    public async Task A_frame_larger_than_the_pipe_goes_out_and_the_next_waits_instead_of_being_refused()
    {
        // A fast reader of large messages: each one fills the pipe, so its flush is pending when the next comes.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64, resumeWriterThreshold: 32));
        var frames = new MqttFrameWriter(pipe.Writer, backlogLimitBytes: 1000);
        var reader = Task.Run(async () =>
        {
            var n = 0;
            while (n < 10 * 500)
            {
                var read = await pipe.Reader.ReadAsync();
                n += (int)read.Buffer.Length;
                pipe.Reader.AdvanceTo(read.Buffer.End);
            }

            return n;
        });
        for (var i = 0; i < 10; i++)
        {
            var r = await frames.TryWriteWithoutWaitingAsync(500, static (w, n) => w.Write(new byte[n]));
            Assert.Equal(FrameWriteResult.Written, r);
            while (frames.BacklogBytes > 0)
            {
                await Task.Delay(1);
            }
        }

        Assert.Equal(5000, await reader.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
