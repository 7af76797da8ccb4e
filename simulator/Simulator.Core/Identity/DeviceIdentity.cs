namespace Simulator.Core.Identity;

/// <summary>
/// One virtual nRF9160: who it is, not what it holds. The private key is rebuilt on demand by
/// <see cref="Fleet.GetPrivateKey"/>, so identities can be listed and logged without secrets.
/// </summary>
internal sealed record DeviceIdentity(
    int Index,
    string DeviceId,
    string Imei,
    string Iccid,
    string PublicKeyPem,
    string? CertificatePem);
