using Simulator.Core.Capacity;
using Simulator.Core.Load;

namespace Simulator.Hosting;

/// <summary>
/// A capacity search's steps on its dashboard: each step's seconds numbered on from the step
/// before, their phase naming the step, and each judged step a point on the capacity charts.
/// Does nothing without a dashboard.
/// </summary>
internal sealed class LiveSteps
{
    private readonly Dashboard? _dashboard;
    private int _offset;
    private int _last;

    public LiveSteps(Dashboard? dashboard) => _dashboard = dashboard;

    public void Follow(LoadEngine engine, string name)
    {
        if (_dashboard is not { } dashboard)
        {
            return;
        }

        _offset = _last;
        var offset = _offset;
        engine.RowClosed = row =>
        {
            var shown = row with { Second = offset + row.Second, Phase = $"{name}: {row.Phase}" };
            _last = Math.Max(_last, shown.Second);
            dashboard.Publish(shown);
        };
    }

    public void Judged(CapacityStep step) => _dashboard?.PublishStep(step);
}
