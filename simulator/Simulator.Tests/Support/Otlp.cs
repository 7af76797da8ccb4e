using System.Buffers.Binary;
using System.Text;

namespace Simulator.Tests.Support;

/// <summary>
/// A minimal reader of OTLP metrics (opentelemetry/proto/collector/metrics/v1 ExportMetricsServiceRequest),
/// written from the .proto field numbers, so a test can check exported values without the SDK's own code:
/// request.resource_metrics(1).scope_metrics(2).metrics(2); Metric name(1), gauge(5), sum(7), histogram(9);
/// data_points(1); NumberDataPoint as_double(4) / as_int(6); HistogramDataPoint count(4).
/// </summary>
public static class Otlp
{
    /// <summary>Metric name → its value: sums and gauges add their data points; histograms give their count.</summary>
    public static Dictionary<string, double> Metrics(byte[] request)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var rm in Fields(request).Where(f => f.Number == 1))
        {
            foreach (var sm in Fields(rm.Bytes).Where(f => f.Number == 2))
            {
                foreach (var m in Fields(sm.Bytes).Where(f => f.Number == 2))
                {
                    var fields = Fields(m.Bytes);
                    var name = Encoding.UTF8.GetString(fields.First(f => f.Number == 1).Bytes);
                    double value = 0;
                    foreach (var data in fields.Where(f => f.Number is 5 or 7 or 9))
                    {
                        foreach (var point in Fields(data.Bytes).Where(f => f.Number == 1))
                        {
                            var p = Fields(point.Bytes);
                            value += data.Number == 9
                                ? BinaryPrimitives.ReadUInt64LittleEndian(p.First(f => f.Number == 4).Bytes)
                                : p.FirstOrDefault(f => f.Number == 6) is { Bytes: { } i } ? BinaryPrimitives.ReadInt64LittleEndian(i)
                                : BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(p.First(f => f.Number == 4).Bytes));
                        }
                    }

                    result[name] = result.GetValueOrDefault(name) + value;
                }
            }
        }

        return result;
    }

    private sealed record Field(int Number, byte[] Bytes);

    /// <summary>One message's fields: varints as their 8 little-endian bytes, fixed64 as is, length-delimited as their payload.</summary>
    private static List<Field> Fields(byte[] message)
    {
        var fields = new List<Field>();
        var i = 0;
        while (i < message.Length)
        {
            var key = Varint(message, ref i);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    var v = new byte[8];
                    BinaryPrimitives.WriteUInt64LittleEndian(v, Varint(message, ref i));
                    fields.Add(new(number, v));
                    break;
                case 1:
                    fields.Add(new(number, message[i..(i + 8)]));
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    fields.Add(new(number, message[i..(i + length)]));
                    i += length;
                    break;
                case 5:
                    fields.Add(new(number, message[i..(i + 4)]));
                    i += 4;
                    break;
                default:
                    throw new FormatException($"wire type {key & 7} at {i}");
            }
        }

        return fields;
    }

    private static ulong Varint(byte[] b, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var x = b[i++];
            value |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80)
            {
                return value;
            }
        }
    }
}
