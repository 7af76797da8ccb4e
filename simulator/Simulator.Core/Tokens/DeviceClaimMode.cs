namespace Simulator.Core.Tokens;

/// <summary>Which claim names the device (spec/protocols.md C.1).</summary>
public enum DeviceClaimMode
{
    /// <summary><c>sub</c> = device id, as nRF Cloud's own JWT guide shows.</summary>
    Subject,

    /// <summary><c>iss</c> = <c>nrf9160.&lt;device id&gt;</c>, as AT%JWT writes when no subject is passed.</summary>
    Issuer,
}
