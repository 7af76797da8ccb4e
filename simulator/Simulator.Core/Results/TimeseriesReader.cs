using System.Globalization;
using Simulator.Core.Errors;
using Simulator.Core.Health;
using Simulator.Core.Histograms;
using Simulator.Core.Metrics;

namespace Simulator.Core.Results;

/// <summary>
/// Reads rows of <see cref="TimeseriesCsv"/> by the header's names, so a column added later does
/// not shift the rest. Anything malformed is bad input naming the file, line and column.
/// </summary>
internal sealed class TimeseriesReader
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly string[] _header;
    private readonly string _file;
    private readonly int _second, _phase, _target, _devices, _connecting, _connected, _backingOff, _givenUp, _holds, _inFlight, _ok, _failed, _publishes, _pubAcks, _received, _drops, _errors, _p50, _p99;
    private readonly int _seconds, _sleeping, _wakes, _downlinksMissed, _connectThrottles, _clientIdThrottles, _stepsOk, _stepsFailed, _consumersReceived, _commandsReceived;
    private readonly int _cpu, _machine, _queue, _lag, _gc, _files, _workingSet, _hot, _unix, _histogram, _authInv, _authRef, _authThr, _authCold, _authTo, _authFlight;

    public TimeseriesReader(string headerLine, string file)
    {
        _header = Split(headerLine);
        _file = file;
        int Col(string name)
        {
            var i = Array.IndexOf(_header, name);
            return i >= 0 ? i : throw new InputException($"no column \"{name}\"", file, 1);
        }

        (_second, _phase, _target, _devices, _connecting, _connected) = (Col("second"), Col("phase"), Col("target"), Col("devices"), Col("connecting"), Col("connected"));
        (_backingOff, _givenUp, _holds, _inFlight, _ok, _failed) = (Col("backingOff"), Col("givenUp"), Col("accountingHolds"), Col("attemptsInFlight"), Col("connectsOk"), Col("connectsFailed"));
        (_publishes, _pubAcks, _received, _drops, _errors, _p50, _p99) = (Col("publishes"), Col("pubAcks"), Col("received"), Col("drops"), Col("errors"), Col("connectP50Ms"), Col("connectP99Ms"));
        (_cpu, _machine, _queue, _lag, _gc, _files, _workingSet, _hot) = (Col("cpuPercent"), Col("machineCpuPercent"), Col("threadPoolQueue"), Col("schedulerLagP99Ms"), Col("gcPauseMs"), Col("openFiles"), Col("workingSetMB"), Col("generatorHot"));
        (_unix, _histogram) = (Col("unixSecond"), Col("connectHistogram"));
        _seconds = Array.IndexOf(_header, "seconds"); // files written before it have a row per second
        (_sleeping, _wakes, _downlinksMissed) = (Array.IndexOf(_header, "sleeping"), Array.IndexOf(_header, "wakes"), Array.IndexOf(_header, "downlinksMissed")); // nor had these: none slept
        (_connectThrottles, _clientIdThrottles) = (Array.IndexOf(_header, "targetConnectThrottles"), Array.IndexOf(_header, "targetClientIdThrottles"));
        (_stepsOk, _stepsFailed) = (Array.IndexOf(_header, "stepsOk"), Array.IndexOf(_header, "stepsFailed")); // files written before steps had none
        (_consumersReceived, _commandsReceived) = (Array.IndexOf(_header, "consumersReceived"), Array.IndexOf(_header, "commandsReceived")); // nor consumers and commands
        (_authInv, _authRef, _authThr, _authCold, _authTo, _authFlight) = (Col("authorizerInvocations"), Col("authorizerRefreshes"), Col("authorizerThrottles"), Col("authorizerColdStarts"), Col("authorizerTimeouts"), Col("authorizerInFlight"));
    }

    /// <param name="text">One row.</param>
    /// <param name="line">Its line number, for errors.</param>
    public SecondRow Parse(string text, int line)
    {
        var f = Split(text);
        if (f.Length != _header.Length)
        {
            throw new InputException($"{f.Length} fields where the header has {_header.Length}", _file, line);
        }

        long L(int i) => f[i].Length == 0 ? 0 : long.TryParse(f[i], NumberStyles.Integer, Inv, out var v) ? v : throw new InputException($"\"{f[i]}\" is not a whole number", _file, line, field: _header[i]);
        double D(int i) => f[i].Length == 0 ? double.NaN : double.TryParse(f[i], NumberStyles.Float, Inv, out var v) ? v : throw new InputException($"\"{f[i]}\" is not a number", _file, line, field: _header[i]);
        var connect = f[_histogram];
        try
        {
            _ = LatencyHistogram.FromCompressedBase64(connect);
        }
        catch (FormatException e)
        {
            throw new InputException(e.Message, _file, line, field: "connectHistogram");
        }

        var health = new HealthSample(D(_cpu), f[_machine].Length == 0 ? null : D(_machine), L(_queue), 0, D(_lag), D(_gc), f[_files].Length == 0 ? null : L(_files), null, (long)(D(_workingSet) * 1048576), f[_hot] == "true");
        return new SecondRow(
            (int)L(_second), f[_phase], (int)L(_target), L(_devices), L(_connecting), L(_connected), L(_backingOff), L(_givenUp), f[_holds] == "true", L(_inFlight),
            L(_ok), L(_failed), L(_publishes), L(_pubAcks), L(_received), L(_drops),
            D(_p50), D(_p99),
            Pairs(f[_errors], line, "errors"), health)
        {
            Seconds = _seconds < 0 ? 1 : (int)L(_seconds) is >= 1 and var n ? n : throw new InputException($"\"{f[_seconds]}\" is not a number of seconds", _file, line, field: "seconds"),
            UnixSecond = L(_unix),
            Sleeping = _sleeping < 0 ? 0 : L(_sleeping),
            Wakes = _wakes < 0 ? 0 : L(_wakes),
            DownlinksMissed = _downlinksMissed < 0 ? 0 : L(_downlinksMissed),
            ConnectHistogram = connect,
            Steps = Steps(f, line),
            ConsumersReceived = _consumersReceived < 0 ? 0 : L(_consumersReceived),
            CommandsReceived = _commandsReceived < 0 ? 0 : L(_commandsReceived),
            Authorizer = f[_authInv].Length == 0 ? null : new AuthorizerSample(L(_authInv) + L(_authRef), L(_authRef), L(_authThr), L(_authCold), L(_authTo), (int)L(_authFlight))
            {
                ConnectThrottles = _connectThrottles < 0 ? 0 : L(_connectThrottles),
                ClientIdThrottles = _clientIdThrottles < 0 ? 0 : L(_clientIdThrottles),
            },
        };
    }

    private Dictionary<string, StepSecond> Steps(string[] f, int line)
    {
        var steps = new Dictionary<string, StepSecond>(StringComparer.Ordinal);
        if (_stepsOk < 0 || _stepsFailed < 0)
        {
            return steps;
        }

        var ok = Pairs(f[_stepsOk], line, "stepsOk");
        var failed = Pairs(f[_stepsFailed], line, "stepsFailed");
        foreach (var name in ok.Keys.Union(failed.Keys, StringComparer.Ordinal))
        {
            steps[name] = new StepSecond(ok.GetValueOrDefault(name), failed.GetValueOrDefault(name), double.NaN);
        }

        return steps;
    }

    /// <summary>"a:1;b:2" as written for errors (keys may hold ':' only before the last one).</summary>
    private Dictionary<string, long> Pairs(string text, int line, string field)
    {
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = part.LastIndexOf(':');
            if (at <= 0 || !long.TryParse(part.AsSpan(at + 1), NumberStyles.Integer, Inv, out var n))
            {
                throw new InputException($"\"{part}\" is not name:count", _file, line, field: field);
            }

            d[part[..at]] = d.GetValueOrDefault(part[..at]) + n;
        }

        return d;
    }

    /// <summary>Splits one line of our own CSV: commas, with double-quoted fields that hold no quotes or commas of their own.</summary>
    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var i = 0;
        while (i <= line.Length)
        {
            if (i < line.Length && line[i] == '"')
            {
                var end = line.IndexOf('"', i + 1);
                end = end < 0 ? line.Length : end;
                fields.Add(line[(i + 1)..end]);
                i = end + 2;
            }
            else
            {
                var end = line.IndexOf(',', i);
                end = end < 0 ? line.Length : end;
                fields.Add(line[i..end]);
                i = end + 1;
            }
        }

        return [.. fields];
    }
}
