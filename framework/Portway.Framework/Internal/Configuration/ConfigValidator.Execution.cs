using System.Net;
using Portway.Configuration;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    /// <summary>
    /// Where stages run: <c>replicas</c> belongs to child-process groups only (the web group is the host
    /// itself), and 0 (no local worker) only with transport redis, whose standalone workers serve the group; a non-web group that runs stages needs a transport that reaches other processes (not
    /// <c>memory</c>); tcp_local frames are always signed (<c>auth.mode: hmac</c>); <c>bind_host</c> is an IP address.
    /// </summary>
    private void ValidateExecution(PortwayConfig config)
    {
        var platform = config.Runtime.Platform;
        var ipc = platform.ExecutionIpc;
        foreach (var group in platform.ProcessGroups)
        {
            if (group.Name == ProcessGroupConfig.WebGroup && _map.Has(group, "replicas"))
            {
                _diagnostics.Report(_map.At(group, "replicas"),
                    "replicas: the web group is the host process itself; replicas applies only to groups that run in child processes");
            }
            else if (group.Replicas == 0 && ipc.Transport != "redis" && _map.Has(group, "replicas"))
            {
                // Only the redis transport has workers the host does not start (portway worker on other machines).
                _diagnostics.Report(_map.At(group, "replicas"),
                    $"replicas: 0 leaves process group '{group.Name}' with no process to run its stages; only execution_ipc.transport redis has standalone workers (portway worker --group {group.Name}), transport is {ipc.Transport} (use replicas 1 or more)");
            }
        }

        if (ipc.Transport == "memory")
        {
            foreach (var group in platform.ProcessGroups.Where(g => g.Name.Length > 0 && g.Name != ProcessGroupConfig.WebGroup))
            {
                var stages = StagesOf(config, group);
                if (stages.Count == 0) continue;
                _diagnostics.Report(_map.At(group, "name"),
                    $"process group '{group.Name}' runs stages ({string.Join(", ", stages)}) outside the host process, which needs execution_ipc.transport tcp_local or redis; transport is memory (move them to the web group, or pick a transport)");
            }
        }

        if (ipc.Transport is "tcp_local" or "redis" && ipc.Auth.Mode != "hmac" && _map.Has(ipc.Auth, "mode"))
        {
            var what = ipc.Transport == "redis" ? "redis stream entries" : "tcp_local frames";
            _diagnostics.Report(_map.At(ipc.Auth, "mode"), $"mode: {what} are always signed, so auth.mode must be hmac, got '{ipc.Auth.Mode}'");
        }

        if (ipc.Auth.SecretFile is not null && ipc.Transport != "redis")
        {
            _diagnostics.Report(_map.At(ipc.Auth, "secret_file"),
                $"secret_file: only transport redis shares a secret between machines; with transport {ipc.Transport} the host makes its own (remove secret_file or set transport: redis)");
        }
        else if (ipc.Auth.SecretFile is { Length: 0 })
        {
            _diagnostics.Report(_map.At(ipc.Auth, "secret_file"), "secret_file: expected a file path, got an empty value");
        }

        if (ipc.Auth.SignInProcess && ipc.Auth.Mode != "hmac")
        {
            _diagnostics.Report(_map.At(ipc.Auth, "sign_in_process"), $"sign_in_process: signing needs auth.mode hmac, got '{ipc.Auth.Mode}'");
        }

        if (_map.Has(ipc, "bind_host") && ipc.BindHost != "localhost" && !IPAddress.TryParse(ipc.BindHost, out _))
        {
            _diagnostics.Report(_map.At(ipc, "bind_host"), $"bind_host: expected an IP address (e.g. 127.0.0.1) or localhost, got '{ipc.BindHost}'");
        }
    }

    /// <summary>The stages that run in <paramref name="group"/>: listed by it, or naming it in their own <c>group</c> key.</summary>
    private List<string> StagesOf(PortwayConfig config, ProcessGroupConfig group)
    {
        var listedBy = StageGroupAssignment.ListedBy(config);
        var names = new List<string>();
        foreach (var pipeline in config.Pipelines.Values)
        {
            foreach (var stage in pipeline.Stages)
            {
                var explicitGroup = _map.Has(stage, "group") ? stage.Group : null;
                var listed = listedBy.TryGetValue(stage, out var groups) && groups.Contains(group);
                if (explicitGroup == group.Name || (explicitGroup is null && listed))
                {
                    names.Add(StageGroupAssignment.Qualified(pipeline, stage));
                }
            }
        }

        return names;
    }
}
