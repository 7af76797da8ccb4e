namespace Simulator.Gateway.Services;

/// <summary>One message the shadow service publishes in answer to a request: its topic and JSON body.</summary>
internal readonly record struct ShadowAnswer(string Topic, byte[] Payload);
