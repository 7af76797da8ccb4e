using System.CommandLine;
using Simulator.Core.Errors;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary>The verbs of the simulator executable.</summary>
internal static class SimulatorCli
{
    /// <summary>How long a cancelled verb may take to stop gracefully before the process exits anyway (beyond the host's 60 s).</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = new RootCommand("Virtual nRF9160 fleets for AWS IoT custom auth, 1NCE onboarding and nRF Cloud: identities, tokens, MQTT and load runs.");
        root.Subcommands.Add(FleetCommands.Create(stdout));
        root.Subcommands.Add(TokenCommand.Create(stdout));
        root.Subcommands.Add(MqttClientCommands.Pub(stdout, stderr));
        root.Subcommands.Add(MqttClientCommands.Sub(stdout, stderr));
        root.Subcommands.Add(GatewayCommand.Create(stdout));
        root.Subcommands.Add(RunCommand.Create(stdout));
        root.Subcommands.Add(CapacityCommand.Create(stdout));
        root.Subcommands.Add(CompareCommand.Create(stdout));
        root.Subcommands.Add(MergeCommand.Create(stdout));
        root.Subcommands.Add(ReportCommand.Create(stdout));
        root.Subcommands.Add(ProbeCommand.Create(stdout));
        root.Subcommands.Add(SchemaCommand.Create(stdout));
        root.Subcommands.Add(ProfilesCommand.Create(stdout));

        // mosquitto's -h is the host; help keeps --help and -?.
        foreach (var option in root.Options)
        {
            if (option is System.CommandLine.Help.HelpOption help)
            {
                help.Aliases.Remove("-h");
            }
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"error: {PlainParseError(error.Message)}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Try 'simulator --help'.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,

                // Ctrl+C and SIGTERM cancel the verb, which then stops its devices (or its workers) and
                // writes results; the default 2 s before a forced exit lost a large fleet's results.
                ProcessTerminationTimeout = StopGrace,
            }).ConfigureAwait(false);
        }
        catch (InputException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException or PathTooLongException or NotSupportedException)
        {
            // A path the user gave cannot be used: bad input, said plainly.
            await stderr.WriteLineAsync($"error: {Plain(e)}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            // The one boundary: whatever else failed is a run-time failure in one line, never a stack trace.
            await stderr.WriteLineAsync($"error: {Plain(e)}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    /// <summary>System.CommandLine names .NET types ("as expected type 'System.Int32'"); say what is expected instead.</summary>
    private static string PlainParseError(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, "as expected type '([^']+)'", m => m.Groups[1].Value switch
        {
            "System.Int32" => "as a whole number from -2147483648 to 2147483647",
            "System.Int64" => "as a whole number",
            "System.UInt16" => "as a whole number from 0 to 65535",
            "System.Double" => "as a number",
            "System.Boolean" => "as true or false",
            var t when t.StartsWith("System.Nullable`1[System.Int32]", StringComparison.Ordinal) => "as a whole number",
            _ => "as the expected kind of value",
        });

    private static string Plain(Exception e)
    {
        var message = Core.Errors.Secrets.Scrub(e.Message);
        return e is IOException && e.InnerException is { } inner ? $"{message} ({Core.Errors.Secrets.Scrub(inner.Message)})" : message;
    }
}
