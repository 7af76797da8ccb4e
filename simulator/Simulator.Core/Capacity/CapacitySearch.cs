using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Capacity;

/// <summary>
/// The search itself, apart from how a step is run: climb by the growth factor until a step breaks
/// a limit (the knee) or the maximum is reached, then bisect between the last good and the first
/// bad rate. A bad step during which the generator was disturbed is offered again (up to
/// <see cref="CapacitySettings.Retries"/> times); one still disturbed, or saturated, ends the search
/// as <see cref="LimitedBy.Generator"/>: what broke was this machine, so the figure is a lower bound.
/// </summary>
internal sealed class CapacitySearch
{
    private readonly CapacitySettings _settings;
    private readonly Func<double, string, int, CancellationToken, Task<CapacityStep>> _runStep;

    /// <param name="runStep">Runs one step at a rate (stage, index) and judges it against the limits.</param>
    public CapacitySearch(CapacitySettings settings, Func<double, string, int, CancellationToken, Task<CapacityStep>> runStep)
    {
        _settings = settings;
        _runStep = runStep;
    }

    public async Task<CapacityResult> RunAsync(CancellationToken cancellationToken)
    {
        var steps = new List<CapacityStep>();
        double good = 0;
        double? bad = null;
        string? limitedBy = null;
        try
        {
            var rate = _settings.StartRate;
            while (true)
            {
                var step = await OfferAsync(rate, "climb", steps, cancellationToken).ConfigureAwait(false);
                if (!step.Good)
                {
                    bad = rate;
                    limitedBy = GeneratorSetIt(step) ? LimitedBy.Generator : null;
                    break;
                }

                good = rate;
                if (rate >= _settings.MaxRate)
                {
                    limitedBy = LimitedBy.MaxRate;
                    break;
                }

                rate = Math.Min(Round(rate * _settings.Growth), _settings.MaxRate);
            }

            for (var i = 0; i < _settings.RefineSteps && limitedBy is null && bad is { } hi; i++)
            {
                var mid = Round((good + hi) / 2);
                if (mid <= good || mid >= hi || hi / Math.Max(good, 1e-9) < 1.05)
                {
                    break; // already as fine as the noise of a step allows
                }

                var step = await OfferAsync(mid, "refine", steps, cancellationToken).ConfigureAwait(false);
                if (step.Good)
                {
                    good = mid;
                }
                else
                {
                    bad = mid;
                    limitedBy = GeneratorSetIt(step) ? LimitedBy.Generator : null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Result(steps, good, bad, limitedBy ?? LimitedBy.Target, cancelled: true);
        }

        return Result(steps, good, bad, limitedBy ?? LimitedBy.Target, cancelled: false);
    }

    /// <summary>
    /// Offers a rate; a bad step the generator disturbed is kept (marked repeated) and the rate
    /// offered again, up to the retries, so one stall on a noisy machine does not become the verdict.
    /// </summary>
    private async Task<CapacityStep> OfferAsync(double rate, string stage, List<CapacityStep> steps, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var step = await _runStep(rate, stage, steps.Count + 1, cancellationToken).ConfigureAwait(false);
            if (step.Good || !step.Disturbed || step.GeneratorBound || attempt >= _settings.Retries)
            {
                steps.Add(step);
                return step;
            }

            steps.Add(step with { Repeated = true });
        }
    }

    /// <summary>A bad step the generator saturated, ran dry of identities, or still disturbed after every retry.</summary>
    private static bool GeneratorSetIt(CapacityStep step) => step.GeneratorBound || step.Disturbed;

    /// <summary>Rates are offered in tenths of a connect per second, so steps read cleanly.</summary>
    private static double Round(double rate) => Math.Round(rate, 1);

    private static CapacityResult Result(List<CapacityStep> steps, double good, double? bad, string limitedBy, bool cancelled)
    {
        var conclusion = limitedBy switch
        {
            LimitedBy.MaxRate => $"every step up to the maximum of {good:0.#} connects/s kept within the limits: the target sustains at least that; raise capacity.maxRate to search further",
            LimitedBy.Generator => $"this machine was saturated or stalled (see the step's generator health) when {bad:0.#} connects/s broke a limit, so whether the target would have held is unknown: {good:0.#} connects/s is a lower bound set by the generator, not the target's capacity; add cores or run shards",
            _ when bad is { } knee && good > 0 => $"the target sustains {good:0.#} connects/s; at {knee:0.#} connects/s it broke a limit while the generator was healthy",
            _ when bad is { } first => $"the first step ({first:0.#} connects/s) already broke a limit while the generator was healthy: lower capacity.startRate, or look at the failures",
            _ => "no step completed",
        };
        if (cancelled)
        {
            conclusion = "cancelled before the search ended; " + conclusion;
        }

        return new CapacityResult
        {
            SustainableConnectsPerSecond = good,
            LimitedBy = limitedBy,
            KneeConnectsPerSecond = bad,
            Steps = steps,
            Conclusion = conclusion,
            Cancelled = cancelled,
        };
    }
}
