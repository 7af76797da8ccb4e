using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace Simulator.Tests.Support;

/// <summary>MQTTnet does not apply its TrustChain option to WebSockets: this handler builds the chain against the gateway's CA.</summary>
public static class MqttNetTrust
{
    public static bool Trusted(MqttClientCertificateValidationEventArgs e, X509Certificate2Collection trust)
    {
        if ((e.SslPolicyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None || e.Certificate is not X509Certificate2 leaf)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trust);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
