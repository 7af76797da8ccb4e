using System.Buffers;
using Simulator.Core.Identity;
using Simulator.Core.Load;
using Simulator.Core.Load.Scenarios;
using Simulator.Core.Payloads;

namespace Simulator.Tests.Payloads;

/// <summary>A device knows its own message when it comes back, whatever the payload, and counts it once.</summary>
public sealed class OwnMessageTests
{
    private static readonly DeviceIdentity Identity = new(0, "nrf-1", "352656100000001", "8988228066600000001", "", null);

    private static ScenarioDevice Device(PayloadFormat format) => new(Identity, new DeviceLifecycle(null!, Identity, 0, 1), format);

    private static byte[] Send(ScenarioDevice d, long sentAt)
    {
        using var m = d.NextMessage(sentAt, 1_000);
        return m.Body.ToArray();
    }

    public static TheoryData<string> Formats => ["telemetry", "template", "template-without-seq", "random"];

    private static PayloadFormat Format(string name) => name switch
    {
        "template" => PayloadFormat.FromTemplate(Template("{\"seq\":{{seq}},\"t\":{{random:0:100}}}"), 0, 0),
        "template-without-seq" => PayloadFormat.FromTemplate(Template("{\"t\":{{random:0.0:100.0}},\"lat\":{{lat}}}"), 0, 0),
        "random" => PayloadFormat.RandomBytes(32, 32),
        _ => PayloadFormat.Telemetry,
    };

    private static PayloadTemplate Template(string text)
    {
        Assert.True(PayloadTemplate.TryParse(text, out var t, out var e), e);
        return t!;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void EachMessageBackIsKnownOnceWithItsSequenceAndSendTime(string format)
    {
        var d = Device(Format(format));
        var bodies = Enumerable.Range(1, 5).Select(i => Send(d, 100 + i)).ToList();

        // Out of order, and the third twice (a QoS 1 duplicate).
        foreach (var i in new[] { 2, 0, 4, 3, 1 })
        {
            Assert.True(d.TryOwnMessage(new ReadOnlySequence<byte>(bodies[i]), out var seq, out var sentAt), $"message {i + 1}");
            Assert.Equal(i + 1, seq);
            Assert.Equal(101 + i, sentAt);
        }

        Assert.False(d.TryOwnMessage(new ReadOnlySequence<byte>(bodies[2]), out _, out _), "a duplicate is not another message back");
        var foreign = (byte[])bodies[0].Clone();
        foreign[^1] ^= 1;
        Assert.False(d.TryOwnMessage(new ReadOnlySequence<byte>(foreign), out _, out _), "a body that differs in one bit is not the device's");
    }

    [Fact]
    public void IdenticalBodiesAreMatchedOldestFirst()
    {
        var d = Device(PayloadFormat.FromTemplate(Template("same"), 0, 0));
        var body = Send(d, 10);
        Send(d, 20);
        Send(d, 30);
        var order = new List<long>();
        while (d.TryOwnMessage(new ReadOnlySequence<byte>(body), out _, out var at))
        {
            order.Add(at);
        }

        Assert.Equal([10, 20, 30], order);
    }

    [Fact]
    public void OnlyTheLast64MessagesAreKept()
    {
        var d = Device(PayloadFormat.Telemetry);
        var first = Send(d, 1);
        for (var i = 2; i <= 64; i++)
        {
            Send(d, i);
        }

        var stillKept = d.TryOwnMessage(new ReadOnlySequence<byte>(first), out _, out _);
        Assert.True(stillKept, "64 messages are kept");

        var d2 = Device(PayloadFormat.Telemetry);
        var old = Send(d2, 1);
        for (var i = 2; i <= 65; i++)
        {
            Send(d2, i);
        }

        Assert.False(d2.TryOwnMessage(new ReadOnlySequence<byte>(old), out _, out _), "the 65th message pushed the first out");
    }

    [Fact]
    public void ABodyInSegmentsHasTheFingerprintOfTheWhole()
    {
        var random = new Random(5);
        for (var length = 0; length < 70; length++)
        {
            var body = new byte[length];
            random.NextBytes(body);
            for (var cut = 0; cut <= length; cut++)
            {
                var first = new Segment(body.AsMemory(0, cut));
                var last = first.Append(body.AsMemory(cut));
                var split = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
                Assert.Equal(PayloadFingerprint.Of(body), PayloadFingerprint.Of(split));
            }
        }
    }

    [Fact]
    public void RenderingAMessageAndKnowingItBackAllocateNothing()
    {
        var template = Template("{\"iccid\":\"{{iccid}}\",\"seq\":{{seq}},\"ts\":\"{{time}}\",\"t\":{{random:18.0:26.5}},\"n\":{{random:0:99}},\"lat\":{{lat}},\"lon\":{{lon}},\"p\":\"{{pad}}\"}");
        foreach (var (name, format) in new[] { ("telemetry", PayloadFormat.Telemetry), ("template", PayloadFormat.FromTemplate(template, 200, 900)), ("random", PayloadFormat.RandomBytes(100, 4000)) })
        {
            var d = Device(format);
            var back = new byte[8192];
            void Once(int i)
            {
                int n;
                using (var m = d.NextMessage(i, 1_700_000_000_000 + i))
                {
                    m.Body.Span.CopyTo(back);
                    n = m.Body.Length;
                }

                Assert.True(d.TryOwnMessage(new ReadOnlySequence<byte>(back, 0, n), out _, out _));
            }

            for (var i = 0; i < 200; i++)
            {
                Once(i); // the pool's and the JIT's first use
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 5_000; i++)
            {
                Once(i);
            }

            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(bytes == 0, $"{bytes} B allocated over 5,000 messages of the {name} payload");
        }
    }

    [Fact]
    public void ABackendFindingAMessagesDeviceAndMarkingItAllocatesNothing()
    {
        var directory = new DeviceDirectory(new Simulator.Core.Metrics.DeliveryTally());
        var d = Device(PayloadFormat.Telemetry);
        directory.Add("nrf-1", d);
        var id = "nrf-1".ToCharArray();
        var back = new byte[512];
        void Once(int i)
        {
            int n;
            using (var m = d.NextMessage(i, 0))
            {
                m.Body.Span.CopyTo(back);
                n = m.Body.Length;
                d.Acknowledged(m.Sequence);
            }

            var found = directory.Find(id.AsSpan());
            Assert.True(found!.TryDelivered(new ReadOnlySequence<byte>(back, 0, n), out _, out _));
        }

        for (var i = 0; i < 200; i++)
        {
            Once(i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5_000; i++)
        {
            Once(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        directory.SettleAll();
        Assert.Equal(0, directory.Tally!.Lost);
    }

    [Fact]
    public void WhatNoConsumerGotIsLostOnceAndASecondCopyIsADuplicate()
    {
        var tally = new Simulator.Core.Metrics.DeliveryTally();
        var directory = new DeviceDirectory(tally);
        var d = Device(PayloadFormat.Telemetry);
        directory.Add("nrf-1", d);
        var bodies = new List<byte[]>();
        for (var i = 1; i <= 100; i++)
        {
            using var m = d.NextMessage(i, 0);
            bodies.Add(m.Body.ToArray());
            if (i != 50)
            {
                d.Acknowledged(m.Sequence); // message 50 had no PUBACK: not the backend's to miss
            }
        }

        // Messages 1-36 fell out of the 64 kept before anyone got them: lost as they went.
        Assert.Equal(36, tally.Lost);
        for (var i = 37; i <= 100; i++)
        {
            if (i is not (40 or 50 or 90))
            {
                Assert.True(d.TryDelivered(new ReadOnlySequence<byte>(bodies[i - 1]), out _, out _), $"message {i}");
            }
        }

        Assert.False(d.TryDelivered(new ReadOnlySequence<byte>(bodies[60]), out _, out var duplicate));
        Assert.True(duplicate);
        directory.SettleAll();
        Assert.Equal(38, tally.Lost); // and 40 and 90; 50 was never acknowledged
        directory.SettleAll();
        Assert.Equal(38, tally.Lost); // settled once
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
