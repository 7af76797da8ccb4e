using Simulator.Core.CustomAuth;

namespace Simulator.Core.Onboarding;

/// <summary>What the 1NCE onboarding endpoint answered, decoded as the seed's client decodes it.</summary>
internal sealed record OnboardingResult(string Username, string IotCoreEndpointUrl, string ClientId, string AmazonRootCaUrl, CustomAuthCredentials Credentials, long? ExpiresAt);
