using System.Buffers;
using System.IO.Pipelines;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

/// <summary>
/// The one protocol reader the client and the gateway share, fed the way networks feed it: in
/// pieces of any size, packets up to 128 KB, from peers that send garbage. Each input has a
/// deadline, so a hang fails the test instead of stalling it.
/// </summary>
public sealed class ProtocolReaderFuzzTests
{
    private const int MaxPacket = 128 * 1024 + 1024;
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(5);

    /// <summary>What one whole buffer frames and decodes to: the reference the pieces must match.</summary>
    private static List<string> Reference(byte[] input, MqttVersion version)
    {
        var seen = new List<string>();
        var buffer = new ReadOnlySequence<byte>(input);
        try
        {
            while (MqttFraming.TryRead(ref buffer, MaxPacket, version, out var p))
            {
                seen.Add(DecodeOrError(p, version));
            }

            seen.Add(buffer.IsEmpty ? "END" : $"END trailing {buffer.Length}");
        }
        catch (MqttProtocolException e)
        {
            seen.Add("FRAMING " + e.Code);
        }

        return seen;
    }

    private static string DecodeOrError(in MqttPacket p, MqttVersion version)
    {
        try
        {
            return MqttCorpus.Decode(p, version);
        }
        catch (MqttProtocolException e)
        {
            return $"{p.Type} invalid {e.Code}";
        }
    }

    /// <summary>
    /// Writes the input in random pieces into a pipe of small segments and reads it back with the
    /// shared reader. The writer stays open until every whole packet has been read, so a reader
    /// that waits for bytes it already holds hangs and misses the deadline.
    /// </summary>
    private static async Task<List<string>> ThroughThePipe(byte[] input, Random rng, List<string> expected, MqttVersion version)
    {
        var wholePackets = expected[^1].StartsWith("END", StringComparison.Ordinal) ? expected.Count - 1 : int.MaxValue;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 64, pauseWriterThreshold: 0, useSynchronizationContext: false));
        var pieces = new List<int>();
        for (var at = 0; at < input.Length;)
        {
            var n = Math.Min(input.Length - at, rng.Next(4) == 0 ? rng.Next(1, 4) : rng.Next(1, 5000));
            pieces.Add(n);
            at += n;
        }

        var writer = Task.Run(async () =>
        {
            var at = 0;
            foreach (var n in pieces)
            {
                await pipe.Writer.WriteAsync(input.AsMemory(at, n));
                at += n;
            }

            await release.Task;
            await pipe.Writer.CompleteAsync();
        });

        using var deadline = new CancellationTokenSource(PerInput);
        var reader = new MqttProtocolReader(pipe.Reader, MaxPacket) { Version = version };
        var seen = new List<string>();
        void Seen(string what)
        {
            seen.Add(what);
            if (seen.Count >= wholePackets)
            {
                release.TrySetResult();
            }
        }

        if (wholePackets == 0)
        {
            release.TrySetResult();
        }

        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(deadline.Token);
                if (read.IsCompleted)
                {
                    seen.Add(read.TrailingBytes == 0 ? "END" : $"END trailing {read.TrailingBytes}");
                    break;
                }

                Seen(DecodeOrError(read.Packet, version));
                reader.Advance();
                while (reader.TryRead(out var next))
                {
                    Seen(DecodeOrError(next, version));
                    reader.Advance();
                }
            }
        }
        catch (MqttProtocolException e)
        {
            seen.Add("FRAMING " + e.Code);
        }
        catch (OperationCanceledException)
        {
            seen.Add($"HUNG after {seen.Count} of {wholePackets} packets");
        }
        finally
        {
            release.TrySetResult();
        }

        await writer;
        return seen;
    }

    [Theory]
    [InlineData(MqttVersion.V311)]
    [InlineData(MqttVersion.V500)]
    public async Task PiecesOfAnySizeFrameAndDecodeExactlyAsOneBuffer(MqttVersion version)
    {
        var rng = new Random(20261124);
        var seeds = MqttCorpus.Seeds(withLarge: true, version: version);
        var packets = 0;
        var large = 0;
        for (var i = 0; i < 1500; i++)
        {
            var input = MqttCorpus.Stream(rng, seeds, rng.Next(1, 6));
            var expected = Reference(input, version);
            var actual = await ThroughThePipe(input, rng, expected, version);
            Assert.True(expected.SequenceEqual(actual), $"input {i} ({input.Length} bytes): expected [{string.Join(", ", expected)}] got [{string.Join(", ", actual)}]");
            packets += expected.Count - 1;
            large += input.Length > 100_000 ? 1 : 0;
        }

        Assert.True(packets > 2000, $"only {packets} packets: the corpus does not exercise the decoders");
        Assert.True(large > 50, $"only {large} inputs near 128 KB");
    }

    [Fact]
    public async Task APacketOverTheLimitIsRefusedBeforeItIsBuffered()
    {
        var pipe = new Pipe();
        var reader = new MqttProtocolReader(pipe.Reader, 1024);
        await pipe.Writer.WriteAsync(new byte[] { 0x30, 0x81, 0x08 }); // PUBLISH announcing 1,025 bytes
        var e = await Assert.ThrowsAsync<MqttProtocolException>(async () => await reader.ReadAsync());
        Assert.Equal(MqttErrorCode.PacketTooLarge, e.Code);
    }

    /// <summary>
    /// A broker that accepts, then sends a stream of packets and garbage in random pieces, then
    /// stays silent or hangs up. The client must end in a named way, never throw, never hang.
    /// </summary>
    [Theory]
    [InlineData("tcp", MqttVersion.V311)]
    [InlineData("tls-openssl", MqttVersion.V311)]
    [InlineData("tls-sslstream", MqttVersion.V311)]
    [InlineData("tcp", MqttVersion.V500)]
    [InlineData("tls-openssl", MqttVersion.V500)]
    public async Task AHostileBrokerEndsTheClientInANamedWay(string over, MqttVersion version)
    {
        using var dir = new Support.TempDir();
        var ca = new Support.TestCa(dir.Path);
        using var certificate = over == "tcp" ? null : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(ca.CertFile, ca.KeyFile);
        var rng = new Random(7);
        var seeds = MqttCorpus.Seeds(withLarge: true, version: version).Where(s => (MqttPacketType)(s[0] >> 4) != MqttPacketType.ConnAck).ToArray();
        var connAck = version == MqttVersion.V500 ? new byte[] { 0x20, 0x03, 0x00, 0x00, 0x00 } : [0x20, 0x02, 0x00, 0x00];
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < 40; i++)
        {
            var stream = MqttCorpus.Stream(rng, seeds, rng.Next(1, 5));
            var hangUp = rng.Next(3) != 0;
            var beforeConnAck = rng.Next(4) == 0;
            var pieceSeed = rng.Next();
            await using var server = new ScriptedServer(
                async (s, ct) =>
            {
                await ScriptedServer.ReadAsync(s, 2, ct);
                if (!beforeConnAck)
                {
                    await s.WriteAsync(connAck, ct);
                }

                var pieces = new Random(pieceSeed);
                for (var at = 0; at < stream.Length;)
                {
                    var n = Math.Min(stream.Length - at, pieces.Next(1, 3000));
                    await s.WriteAsync(stream.AsMemory(at, n), ct);
                    at += n;
                }

                if (!hangUp)
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
            },
                certificate);

            var transport = new TransportOptions
            {
                Kind = over == "tcp" ? TransportKind.Tcp : TransportKind.Tls,
                Host = "127.0.0.1",
                ServerName = "localhost",
                Port = server.Port,
                CaFile = ca.CaFile,
                Tls = over == "tls-sslstream" ? TlsProvider.SslStream : TlsProvider.OpenSsl,
            };
            var options = new MqttClientOptions { ClientId = "victim", ConnectTimeout = TimeSpan.FromSeconds(1), KeepAliveSeconds = 1, Version = version };
            string outcome;
            var ended = Task.Run(async () =>
            {
                MqttClientConnection client;
                try
                {
                    client = await MqttClientConnection.ConnectAsync(transport, options);
                }
                catch (ConnectionFailedException e)
                {
                    return "connect " + e.Kind;
                }

                await using (client)
                {
                    // Keep-alive 1 s: a broker that goes silent is found out by the missing PINGRESP.
                    var failure = await client.Completion;
                    return "session " + (failure?.Kind.ToString() ?? "closed cleanly");
                }
            });
            var done = await Task.WhenAny(ended, Task.Delay(PerInput));
            Assert.True(done == ended, $"input {i} ({stream.Length} bytes, hangUp {hangUp}): the client did not end within {PerInput}");
            outcome = await ended; // an exception other than ConnectionFailedException fails here
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        var summary = string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}"));
        Assert.DoesNotContain("closed cleanly", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("ClientError", summary, StringComparison.Ordinal); // our own bug, not the broker's garbage
        Assert.True(outcomes.Keys.Count(k => k.Contains("ProtocolViolation", StringComparison.Ordinal)) >= 1, summary);
    }
}
