using System.Text;

namespace Simulator.Core.NrfCloud;

/// <summary>
/// The CSV bodies of nRF Cloud's bulk endpoints (spec/protocols.md C.3): no header row, no blank
/// lines, the PEM in double quotes, at most 1000 rows per request.
/// OnboardDevices: <c>deviceId,[subType],[tags],[fwTypes],"certPem"</c>;
/// RegisterPublicKeys: <c>deviceId,"keyPem"</c>.
/// </summary>
internal static class NrfCloudCsv
{
    public const int MaxRowsPerFile = 1000;

    /// <summary>nRF Cloud's fwTypes default in nrfcloud-utils' installer.</summary>
    public const string DefaultFwTypes = "APP|MODEM";

    /// <summary>deviceId must match /^[a-z0-9:_-]{1,128}$/i (C.3).</summary>
    public static bool IsValidDeviceId(ReadOnlySpan<char> id)
    {
        if (id.Length is < 1 or > 128)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static string PublicKeyRow(string deviceId, string publicKeyPem) => $"{deviceId},{Quote(publicKeyPem)}\n";

    /// <summary>The certificate when the fleet has one, else the public key (C.3 accepts either).</summary>
    public static string OnboardRow(string deviceId, string certificateOrPublicKeyPem, string fwTypes = DefaultFwTypes) =>
        $"{deviceId},,,{fwTypes},{Quote(certificateOrPublicKeyPem)}\n";

    /// <summary>Splits rows into files of at most <see cref="MaxRowsPerFile"/> rows.</summary>
    public static IReadOnlyList<string> Chunk(IEnumerable<string> rows)
    {
        var files = new List<string>();
        var sb = new StringBuilder();
        var n = 0;
        foreach (var row in rows)
        {
            sb.Append(row);
            if (++n == MaxRowsPerFile)
            {
                files.Add(sb.ToString());
                sb.Clear();
                n = 0;
            }
        }

        if (n > 0)
        {
            files.Add(sb.ToString());
        }

        return files;
    }

    /// <summary>
    /// Splits a CSV body into rows of fields (RFC 4180 quoting, LF or CRLF). A row's line number is
    /// its first line in the body. Rows may be fewer than lines, since quoted PEMs span lines.
    /// </summary>
    public static List<CsvRow> Parse(string body)
    {
        var rows = new List<CsvRow>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var rowLine = 1;
        var inQuotes = false;
        var fieldStarted = false;
        var i = 0;
        while (i < body.Length)
        {
            var c = body[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < body.Length && body[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }

                    inQuotes = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                i++;
                continue;
            }

            switch (c)
            {
                case '"' when !fieldStarted:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    break;
                case '\r' when i + 1 < body.Length && body[i + 1] == '\n':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    rows.Add(new CsvRow(rowLine, [.. fields]));
                    fields.Clear();
                    field.Clear();
                    fieldStarted = false;
                    line++;
                    rowLine = line;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }

            i++;
        }

        if (inQuotes)
        {
            fields.Add(field.ToString());
            rows.Add(new CsvRow(rowLine, [.. fields], UnterminatedQuote: true));
        }
        else if (fieldStarted || fields.Count > 0 || field.Length > 0)
        {
            fields.Add(field.ToString());
            rows.Add(new CsvRow(rowLine, [.. fields]));
        }

        return rows;
    }

    private static string Quote(string pem) => "\"" + pem.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
