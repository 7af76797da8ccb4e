namespace Simulator.Core.Transport;

/// <summary>Where custom-auth values travel on HTTP requests (A.1): headers, or the query string.</summary>
internal enum CredentialPlacement
{
    Headers,
    Query,
}
