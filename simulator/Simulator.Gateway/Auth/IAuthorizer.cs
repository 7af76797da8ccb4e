namespace Simulator.Gateway.Auth;

/// <summary>A custom authorizer's function: the Lambda's contract, event in, response out.</summary>
public interface IAuthorizer
{
    Task<AuthorizerResponse> InvokeAsync(AuthorizerEvent authEvent, CancellationToken cancellationToken);
}
