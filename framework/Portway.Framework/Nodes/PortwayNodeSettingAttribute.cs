namespace Portway.Nodes;

/// <summary>
/// A key of the stage's <c>with</c> that the node reads as a setting: when set, its value must be an integer from
/// <see cref="Min"/> to <see cref="Max"/> (or, with <see cref="Boolean"/>, <c>true</c> or <c>false</c>). The config
/// loader reports any other value at its line and column, so <c>portway check</c> finds it before a host starts.
/// Put one on the node class per setting.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PortwayNodeSettingAttribute(string key) : Attribute
{
    /// <summary>The <c>with</c> key, e.g. <c>concurrency</c>.</summary>
    public string Key { get; } = key;

    /// <summary>The smallest integer accepted (inclusive). Defaults to <see cref="int.MinValue"/>.</summary>
    public int Min { get; init; } = int.MinValue;

    /// <summary>The largest integer accepted (inclusive). Defaults to <see cref="int.MaxValue"/>.</summary>
    public int Max { get; init; } = int.MaxValue;

    /// <summary>The value is <c>true</c> or <c>false</c> instead of an integer (<see cref="Min"/> and <see cref="Max"/> unused).</summary>
    public bool Boolean { get; init; }

    /// <summary>What the value must be, as the config loader says it: <c>true or false</c>, <c>an integer from 1 to 256</c>.</summary>
    public string Expected => Boolean ? "true or false" : $"an integer from {Min} to {Max}";
}
