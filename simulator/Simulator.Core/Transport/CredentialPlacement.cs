namespace Simulator.Core.Transport;

/// <summary>Where custom-auth values travel on HTTP requests (A.1): headers, or the query string.</summary>
public enum CredentialPlacement
{
    Headers,
    Query,
}
