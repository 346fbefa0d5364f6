using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

/// <summary>A fresh directory per test: <see cref="Parent"/> holds only <see cref="DataDir"/>, so a test can prove nothing was written beside it.</summary>
internal sealed class TempDataDir : IDisposable
{
    public TempDataDir()
    {
        Parent = Path.Combine(Path.GetTempPath(), "portway-voice-tests", Guid.NewGuid().ToString("N"));
        DataDir = Path.Combine(Parent, "data");
        Directory.CreateDirectory(DataDir);
        Store = new VoiceProfileStore(DataDir);
    }

    public string Parent { get; }

    public string DataDir { get; }

    public VoiceProfileStore Store { get; }

    /// <summary>Every file and directory under <see cref="Parent"/>, relative, except the data directory itself.</summary>
    public IReadOnlyList<string> Entries() =>
        Directory.EnumerateFileSystemEntries(Parent, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Parent, p))
            .Where(p => p != "data")
            .Order(StringComparer.Ordinal)
            .ToArray();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Parent, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
