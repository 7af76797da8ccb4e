namespace Simulator.Core.Errors;

/// <summary>
/// A classified failure: the kind, a human detail, and the HTTP status or CONNACK code where there
/// is one. An MQTT 5 refusal also names its packet and reason code in <see cref="FailureClass"/>
/// (e.g. <c>ConnAck:NotAuthorized</c>), which is what runs count it under.
/// </summary>
internal sealed class ConnectionFailedException : Exception
{
    private readonly string? _failureClass;

    public ConnectionFailedException(FailureKind kind, string detail, int? httpStatus = null, int? connAckCode = null, Exception? inner = null, string? failureClass = null)
        : base($"{failureClass ?? kind.ToString()}: {detail}", inner)
    {
        Kind = kind;
        Detail = detail;
        HttpStatus = httpStatus;
        ConnAckCode = connAckCode;
        _failureClass = failureClass;
    }

    public FailureKind Kind { get; }

    public string Detail { get; }

    public int? HttpStatus { get; }

    /// <summary>The CONNACK return code (3.1.1) or reason code (5.0) of a refused connect.</summary>
    public int? ConnAckCode { get; }

    /// <summary>What a run counts the failure under: the MQTT 5 packet and reason, else the kind.</summary>
    public string FailureClass => _failureClass ?? Kind.ToString();

    /// <summary>The same failure again, for a caller that comes after the connection ended.</summary>
    public ConnectionFailedException Again() => new(Kind, Detail, HttpStatus, ConnAckCode, failureClass: _failureClass);
}
