using System.CommandLine;
using Simulator.Core.Errors;
using Simulator.Gateway;

namespace Simulator.Cli;

/// <summary><c>simulator gateway</c>: the local AWS IoT custom-auth / 1NCE / nRF Cloud stand-in, alone in its process.</summary>
public static class GatewayCommand
{
    public static Command Create(TextWriter stdout)
    {
        var config = new Option<string?>("--config") { Description = "Gateway config JSON (authorizers, quotas, faults)." };
        var listen = new Option<string?>("--listen") { Description = "Address and port, e.g. 127.0.0.1:8443 (port 0 picks one)." };
        var data = new Option<string?>("--data") { Description = "Directory for the CA, server certificate and keys." };
        var fleet = new Option<string?>("--fleet") { Description = "Fleet directory: its SIMs are the known ones, its keys are registered." };
        var endpoint = new Option<string?>("--endpoint") { Description = "Endpoint name (SNI and certificate), default localhost." };
        var command = new Command("gateway", "Run the local gateway until Ctrl+C.") { config, listen, data, fleet, endpoint };
        command.SetAction(async (parse, ct) =>
        {
            var options = parse.GetValue(config) is { } file ? GatewayConfig.Load(file) : new GatewayOptions { Port = 8443 };
            if (parse.GetValue(listen) is { } l)
            {
                var colon = l.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(l.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port) || !System.Net.IPAddress.TryParse(l[..colon], out _))
                {
                    throw new InputException($"--listen must be ADDRESS:PORT, got '{l}'", field: "--listen");
                }

                options = options with { ListenAddress = l[..colon], Port = port };
            }

            options = options with
            {
                DataDirectory = parse.GetValue(data) ?? options.DataDirectory,
                FleetDirectory = parse.GetValue(fleet) ?? options.FleetDirectory,
                EndpointName = parse.GetValue(endpoint) ?? options.EndpointName,
            };
            await using var gateway = await LocalGateway.StartAsync(options, cancellationToken: ct).ConfigureAwait(false);
            await stdout.WriteLineAsync($"gateway listening on {options.ListenAddress}:{gateway.Port} as {gateway.EndpointName}").ConfigureAwait(false);
            await stdout.WriteLineAsync($"CA (AmazonRootCA1.pem): {gateway.CaFile}").ConfigureAwait(false);
            await stdout.WriteLineAsync($"onboarding: curl --cacert {gateway.CaFile} -H '{options.SimIccidHeader}: <iccid>' https://{gateway.EndpointName}:{gateway.Port}/device-api/onboarding/mqtt/tokens").ConfigureAwait(false);
            await stdout.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
