using System.Reflection;

namespace Portway.Internal.Supervision;

/// <summary>How to start a worker: the host's own executable in worker mode. Tests point it at the built host.</summary>
internal sealed class WorkerCommand
{
    public WorkerCommand(string fileName, IReadOnlyList<string> prefixArguments)
    {
        FileName = fileName;
        PrefixArguments = prefixArguments;
    }

    public string FileName { get; }

    /// <summary>Arguments before <c>worker --group NAME</c> (the entry dll when the host runs as <c>dotnet host.dll</c>).</summary>
    public IReadOnlyList<string> PrefixArguments { get; }

    /// <summary>This process again: its apphost, or <c>dotnet ENTRY.dll</c>.</summary>
    public static WorkerCommand ThisProcess()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("the host's executable path is unknown");
        var isDotnet = Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return isDotnet
            ? new WorkerCommand(path, [Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly")])
            : new WorkerCommand(path, []);
    }
}
