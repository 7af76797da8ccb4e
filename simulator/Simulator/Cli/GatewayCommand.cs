using System.CommandLine;
using Simulator.Core.Errors;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator gateway</c>: the local AWS IoT custom-auth / 1NCE / nRF Cloud stand-in, alone in its process.</summary>
internal static class GatewayCommand
{
    public static Command Create(TextWriter stdout)
    {
        var config = new Option<string?>("--config") { Description = "Gateway config JSON (authorizers, quotas, faults)." };
        var listen = new Option<string?>("--listen") { Description = "Address and port, e.g. 127.0.0.1:8443 (port 0 picks one)." };
        var data = new Option<string?>("--data") { Description = "Directory for the CA, server certificate and keys." };
        var fleet = new Option<string?>("--fleet") { Description = "Fleet directory: its SIMs are the known ones, its keys are registered." };
        var endpoint = new Option<string?>("--endpoint") { Description = "Endpoint name (SNI and certificate), default localhost." };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Trace, Debug, Information (default), Warning, Error: one line per denied connect at Information.", DefaultValueFactory = _ => LogLevel.Information };
        var command = new Command("gateway", "Run the local gateway until Ctrl+C or SIGTERM.") { config, listen, data, fleet, endpoint, logLevel };
        command.SetAction(async (parse, ct) =>
        {
            var options = parse.GetValue(config) is { } file ? GatewayConfig.Load(file) : new GatewayOptions { Port = 8443 };
            if (parse.GetValue(listen) is { } l)
            {
                var colon = l.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(l.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port) || !System.Net.IPAddress.TryParse(l[..colon], out _))
                {
                    throw new InputException($"must be ADDRESS:PORT, e.g. 127.0.0.1:8443, got '{l}'", field: "--listen");
                }

                if (port is < 0 or > 65535)
                {
                    throw new InputException($"the port must be 0 to 65535 (0 picks a free one), got {port}", field: "--listen");
                }

                options = options with { ListenAddress = l[..colon], Port = port };
            }

            options = options with
            {
                DataDirectory = parse.GetValue(data) ?? options.DataDirectory,
                FleetDirectory = parse.GetValue(fleet) ?? options.FleetDirectory,
                EndpointName = parse.GetValue(endpoint) ?? options.EndpointName,
            };
            // Anyone who can reach a non-loopback listener can call the nRF Cloud provisioning endpoints:
            // the well-known default API key will not do there.
            var address = System.Net.IPAddress.Parse(options.ListenAddress);
            if (!System.Net.IPAddress.IsLoopback(address))
            {
                if (options.NrfCloudApiKey == new GatewayOptions().NrfCloudApiKey)
                {
                    throw new InputException($"listening on {options.ListenAddress}, which is not loopback, needs an explicit nrfCloudApiKey in the config: the default one is public", parse.GetValue(config), field: "nrfCloudApiKey");
                }

                await stdout.WriteLineAsync($"WARNING: listening on {options.ListenAddress}, not loopback: other machines can reach this test gateway, its onboarding tokens and its nRF Cloud endpoints").ConfigureAwait(false);
            }

            // The CA and signing keys go there: a directory another user could have made first is refused before anything starts.
            try
            {
                DataDirectory.Prepare(options.DataDirectory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException(e.Message, field: "--data");
            }

            using var loggerFactory = LoggerFactory.Create(b => b
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                })
                .SetMinimumLevel(parse.GetValue(logLevel))
                // The host logs a failed start with its stack trace; the one line below says it instead.
                .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical));

            // SIGINT and SIGTERM (a container runtime's stop) end the gateway gracefully: sessions closed, exit 0.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            LocalGateway gateway;
            try
            {
                gateway = await LocalGateway.StartAsync(options, loggerFactory, cancellationToken: stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                var why = e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
                    ? "the address is already in use"
                    : Core.Errors.Secrets.Scrub(e.Message);
                await stdout.WriteLineAsync($"error: the gateway cannot listen on {options.ListenAddress}:{options.Port}: {why}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            await using var owned = gateway;
            await stdout.WriteLineAsync($"gateway listening on {options.ListenAddress}:{gateway.Port} as {gateway.EndpointName}").ConfigureAwait(false);
            await stdout.WriteLineAsync($"CA (AmazonRootCA1.pem): {gateway.CaFile}").ConfigureAwait(false);
            await stdout.WriteLineAsync($"onboarding: curl --cacert {gateway.CaFile} -H '{options.SimIccidHeader}: <iccid>' https://{gateway.EndpointName}:{gateway.Port}/device-api/onboarding/mqtt/tokens").ConfigureAwait(false);
            await stdout.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await stdout.WriteLineAsync("gateway stopping: closing sessions").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
