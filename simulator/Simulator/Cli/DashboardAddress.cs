using System.Globalization;
using System.Net;
using Simulator.Core.Errors;

namespace Simulator.Cli;

/// <summary><c>--dashboard [HOST:]PORT</c>: a port alone is loopback; a host is an IP address (IPv6 in brackets).</summary>
internal static class DashboardAddress
{
    public static IPEndPoint Parse(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return new IPEndPoint(IPAddress.Loopback, Port(port, text));
        }

        var colon = text.LastIndexOf(':');
        var host = colon > 0 ? text[..colon].Trim('[', ']') : string.Empty;
        if (colon <= 0 || !IPAddress.TryParse(host, out var address) || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            throw new InputException($"must be PORT or HOST:PORT with an IP address (e.g. 5665, 127.0.0.1:5665, 0.0.0.0:5665), got \"{text}\"", field: "--dashboard");
        }

        return new IPEndPoint(address, Port(port, text));
    }

    private static int Port(int port, string text) => port is >= 1 and <= 65535 ? port : throw new InputException($"the port must be 1 to 65535, got \"{text}\"", field: "--dashboard");
}
