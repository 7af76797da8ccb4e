namespace Simulator.Core.Tokens;

/// <summary>Converts between DER ECDSA-Sig-Value (SEC 1 §C.5) and P1363 r||s (RFC 7518 §3.4) for P-256.</summary>
internal static class EcdsaSignatureFormat
{
    private const int FieldLength = 32;

    public static bool TryDerToP1363(ReadOnlySpan<byte> der, Span<byte> p1363)
    {
        if (p1363.Length < 2 * FieldLength || der.Length < 8 || der[0] != 0x30)
        {
            return false;
        }

        var pos = 1;
        int seqLength = der[pos++];
        if (seqLength == 0x81)
        {
            seqLength = der[pos++];
        }
        else if (seqLength > 0x7F)
        {
            return false;
        }

        if (pos + seqLength != der.Length)
        {
            return false;
        }

        return TryReadInteger(der, ref pos, p1363[..FieldLength])
            && TryReadInteger(der, ref pos, p1363.Slice(FieldLength, FieldLength))
            && pos == der.Length;
    }

    /// <summary>P1363 → DER, for verifiers outside .NET such as <c>openssl dgst -verify</c>.</summary>
    public static byte[] P1363ToDer(ReadOnlySpan<byte> p1363)
    {
        static byte[] Integer(ReadOnlySpan<byte> v)
        {
            var start = 0;
            while (start < v.Length - 1 && v[start] == 0)
            {
                start++;
            }

            var pad = (v[start] & 0x80) != 0 ? 1 : 0;
            var result = new byte[2 + pad + v.Length - start];
            result[0] = 0x02;
            result[1] = (byte)(pad + v.Length - start);
            v[start..].CopyTo(result.AsSpan(2 + pad));
            return result;
        }

        var r = Integer(p1363[..FieldLength]);
        var s = Integer(p1363[FieldLength..(2 * FieldLength)]);
        return [0x30, (byte)(r.Length + s.Length), .. r, .. s];
    }

    private static bool TryReadInteger(ReadOnlySpan<byte> der, ref int pos, Span<byte> field)
    {
        if (pos + 2 > der.Length || der[pos] != 0x02)
        {
            return false;
        }

        int length = der[pos + 1];
        pos += 2;
        if (length == 0 || pos + length > der.Length)
        {
            return false;
        }

        var value = der.Slice(pos, length);
        pos += length;
        while (value.Length > 0 && value[0] == 0)
        {
            value = value[1..];
        }

        if (value.Length > field.Length)
        {
            return false;
        }

        field[..(field.Length - value.Length)].Clear();
        value.CopyTo(field[(field.Length - value.Length)..]);
        return true;
    }
}
