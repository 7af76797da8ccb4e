using System.CommandLine;
using Simulator.Core.Errors;

namespace Simulator.Cli;

/// <summary>The verbs of the simulator executable.</summary>
public static class SimulatorCli
{
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
        root.Subcommands.Add(CompareCommand.Create(stdout));
        root.Subcommands.Add(ProbeCommand.Create(stdout));

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
                await stderr.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Try 'simulator --help'.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
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
    }
}
