namespace Portway.Testing;

/// <summary>Finds the repository root (the folder holding Runtime.sln) from the test's output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Config(string name) => Path.Combine(Root, "config", name);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runtime.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Runtime.sln not found above " + AppContext.BaseDirectory);
    }
}
