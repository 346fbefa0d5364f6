namespace Portway.Configuration;

/// <summary><c>runtime.platform.kv</c>.</summary>
public sealed class KvConfig
{
    /// <summary><c>backend</c>: <c>memory</c> or <c>redis</c>. Defaults to <c>memory</c>.</summary>
    public string Backend { get; set; } = "memory";
}
