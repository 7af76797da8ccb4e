namespace Simulator.Core.Transport;

/// <summary>The answer to one HTTPS publish: status, body and how long it took.</summary>
internal sealed record HttpsPublishResult(int StatusCode, string Body, double ElapsedMs)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
