using Portway.Configuration;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    /// <summary>A timer interface: at least one schedule; unique names; a request/response pipeline (the binder checks the numbers).</summary>
    private void ValidateTimer(InterfaceConfig iface, PortwayConfig config)
    {
        if (iface.Schedules.Count == 0)
        {
            _diagnostics.Report(_map.At(iface, "kind"), "a timer interface needs schedules: at least one {name, pipeline, every_ms}");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var schedule in iface.Schedules)
        {
            if (schedule.Name.Length > 0 && !names.Add(schedule.Name))
            {
                _diagnostics.Report(_map.At(schedule, "name"), $"schedule name '{schedule.Name}' is used twice in this timer interface");
            }

            if (schedule.Pipeline.Length > 0)
            {
                CheckPipeline(schedule.Pipeline, $"schedule '{schedule.Name}'", _map.At(schedule, "pipeline"), config.Pipelines.Keys.ToArray());
                if (config.Pipelines.TryGetValue(schedule.Pipeline, out var pipeline) && pipeline.Sink.Length > 0
                    && pipeline.Stages.FirstOrDefault(s => s.Name == pipeline.Sink) is { } sink && _streamNodes.Contains(sink.Node))
                {
                    _diagnostics.Report(_map.At(schedule, "pipeline"), $"schedule '{schedule.Name}' names '{schedule.Pipeline}', a stream pipeline: a timer runs request/response pipelines");
                }
            }
        }
    }
}
