namespace Simulator.Core.Scenarios;

/// <summary>
/// nRF Cloud's location REST API as a device calls it with its own ES256 JWT (nRF Connect SDK's
/// REST client), opened by <see cref="DeviceContext.OpenNrfCloud"/>. There is no session: the
/// first request that succeeds connects the device (its attempt counted, its latency from when the
/// attempt was due); a failure before it fails the attempt, one after it drops the device, each
/// named (<c>Http401</c>, <c>BadContentRange</c>, <c>HttpTimeout</c>, <c>TlsHandshake</c>, …).
/// Every request's time goes into the <c>location</c> histogram. One request at a time, as a
/// modem's client sends them; not thread-safe.
/// </summary>
public sealed class DeviceNrfCloud
{
    /// <summary>The bytes one A-GNSS request asks for (the SDK's fragment size, within the modem's buffers).</summary>
    public const int AgnssFragmentBytes = 1700;

    private readonly DeviceContext _context;

    internal DeviceNrfCloud(DeviceContext context) => _context = context;

    /// <summary>
    /// A-GNSS assistance for the serving cell (<c>POST /v1/location/agnss</c>, element types 1, 2,
    /// 3, 4, 6, 7 and 9) fetched as the SDK does: Range requests of <see cref="AgnssFragmentBytes"/>
    /// until the answer's content-range says the whole has come. Returns the bytes received. An
    /// answer other than 206, or a 206 that brings nothing or more than was asked, fails as named.
    /// </summary>
    public Task<long> GetAgnssAsync(CellInfo cell) => _context.Host.AgnssAsync(cell, _context.Stopping);

    /// <summary>A ground fix (<c>POST /v1/location/ground-fix</c>) from the serving cell and one neighbour; counted as the device's message in <c>publishes</c>.</summary>
    public Task GroundFixAsync(CellInfo cell) => _context.Host.GroundFixAsync(cell, _context.Stopping);
}
