using System.CommandLine;
using Simulator.Core.Results;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator compare A B</c>: differences between two runs; exit 1 on a regression beyond tolerance.</summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter stdout)
    {
        var baseline = new Argument<string>("baseline") { Description = "Baseline run folder or summary.json." };
        var candidate = new Argument<string>("candidate") { Description = "Candidate run folder or summary.json." };
        var tolerance = new Option<double>("--tolerance") { Description = "Relative latency increase allowed (0.2 = 20%).", DefaultValueFactory = _ => 0.2 };
        var errorTolerance = new Option<double>("--error-tolerance") { Description = "Absolute error-rate increase allowed (0.01 = 1 point).", DefaultValueFactory = _ => 0.01 };
        var stormTolerance = new Option<double>("--storm-tolerance") { Description = "Relative increase allowed in each outage's time to 90 % reconnected (0.2 = 20%, and at least 1 s).", DefaultValueFactory = _ => 0.2 };
        var lossTolerance = new Option<double>("--loss-tolerance") { Description = "Absolute increase allowed in the share of messages no backend consumer got (0.001 = 0.1 point).", DefaultValueFactory = _ => 0.001 };
        var command = new Command("compare", "Compare two runs and fail on a regression.") { baseline, candidate, tolerance, errorTolerance, stormTolerance, lossTolerance };
        command.SetAction(parse =>
        {
            if (parse.GetValue(tolerance) is var t && (t < 0 || double.IsNaN(t)))
            {
                throw new Core.Errors.InputException($"must be 0 or more (0.2 = 20%), got {t}", field: "--tolerance");
            }

            if (parse.GetValue(errorTolerance) is var et && (et is < 0 or > 1 || double.IsNaN(et)))
            {
                throw new Core.Errors.InputException($"must be 0 to 1 (0.01 = 1 point), got {et}", field: "--error-tolerance");
            }

            if (parse.GetValue(stormTolerance) is var st && (st < 0 || double.IsNaN(st)))
            {
                throw new Core.Errors.InputException($"must be 0 or more (0.2 = 20%), got {st}", field: "--storm-tolerance");
            }

            if (parse.GetValue(lossTolerance) is var lt && (lt is < 0 or > 1 || double.IsNaN(lt)))
            {
                throw new Core.Errors.InputException($"must be 0 to 1 (0.001 = 0.1 point), got {lt}", field: "--loss-tolerance");
            }

            var (text, regressed) = RunComparison.Compare(parse.GetValue(baseline)!, parse.GetValue(candidate)!, parse.GetValue(tolerance), parse.GetValue(errorTolerance), parse.GetValue(stormTolerance), lt);
            stdout.Write(text);
            return regressed ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }
}
