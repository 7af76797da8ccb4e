namespace Simulator.Core.Errors;

/// <summary>A classified failure: the kind, a human detail, and the HTTP status or CONNACK code where there is one.</summary>
public sealed class ConnectionFailedException : Exception
{
    public ConnectionFailedException(FailureKind kind, string detail, int? httpStatus = null, int? connAckCode = null, Exception? inner = null)
        : base($"{kind}: {detail}", inner)
    {
        Kind = kind;
        Detail = detail;
        HttpStatus = httpStatus;
        ConnAckCode = connAckCode;
    }

    public FailureKind Kind { get; }

    public string Detail { get; }

    public int? HttpStatus { get; }

    public int? ConnAckCode { get; }
}
