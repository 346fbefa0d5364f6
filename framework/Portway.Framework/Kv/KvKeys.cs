namespace Portway.Kv;

/// <summary>The rules every kv key follows, whatever the backend.</summary>
public static class KvKeys
{
    /// <summary>The longest key, in characters.</summary>
    public const int MaxLength = 1024;

    /// <summary>True when <paramref name="key"/> is a valid key: 1 to <see cref="MaxLength"/> characters, no control character.</summary>
    public static bool IsValid(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= MaxLength && !key.Any(char.IsControl);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is valid.</summary>
    public static void Require(string? key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"a kv key is 1 to {MaxLength} characters without control characters", nameof(key));
        }
    }
}
