using Simulator.Cli;

return await SimulatorCli.RunAsync(args).ConfigureAwait(false);
