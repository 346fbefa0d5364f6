using System.Reflection;

namespace Portway.Internal.Supervision;

/// <summary>How to start a worker: the host's own executable in worker mode (<c>… worker --group NAME</c>).</summary>
internal sealed class WorkerExecutable(string fileName, IReadOnlyList<string> prefixArguments)
{
    public string FileName { get; } = fileName;

    /// <summary>Arguments before <c>worker --group NAME</c> (the entry dll when the host runs as <c>dotnet host.dll</c>).</summary>
    public IReadOnlyList<string> PrefixArguments { get; } = prefixArguments;

    /// <summary>This process again: its apphost, or <c>dotnet ENTRY.dll</c>.</summary>
    public static WorkerExecutable ThisProcess()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("the host's executable path is unknown");
        var isDotnet = Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return isDotnet
            ? new WorkerExecutable(path, [Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly")])
            : new WorkerExecutable(path, []);
    }
}
