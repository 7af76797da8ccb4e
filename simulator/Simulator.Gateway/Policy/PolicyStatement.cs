namespace Simulator.Gateway.Policy;

/// <summary>One statement of an IoT policy: Allow or Deny, actions and resources (with wildcards and policy variables), and the conditions that must all hold.</summary>
public sealed record PolicyStatement(bool Allow, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, IReadOnlyList<PolicyCondition>? Conditions = null);
