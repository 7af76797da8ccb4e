namespace Simulator.Core.Transport;

/// <summary>
/// How long each phase of one connect took, in milliseconds; NaN for a phase that did not run or
/// did not finish. Lets a user see whether time went to TCP, TLS, the upgrade, the authorizer or CONNACK.
/// </summary>
internal sealed class ConnectTimings
{
    public double DnsMs { get; set; } = double.NaN;

    public double TcpMs { get; set; } = double.NaN;

    public double TlsMs { get; set; } = double.NaN;

    public double WebSocketMs { get; set; } = double.NaN;

    /// <summary>From CONNECT sent to CONNACK received: on AWS this holds the authorizer's time.</summary>
    public double ConnAckMs { get; set; } = double.NaN;

    public double TotalMs { get; set; } = double.NaN;

    public override string ToString()
    {
        static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        return $"dns={F(DnsMs)}ms tcp={F(TcpMs)}ms tls={F(TlsMs)}ms ws={F(WebSocketMs)}ms connack={F(ConnAckMs)}ms total={F(TotalMs)}ms";
    }
}
