namespace Portway.Configuration;

/// <summary>
/// One header of an egress: <c>NAME: value</c> (a literal, not a secret), <c>NAME: { env: VAR }</c> (the
/// environment variable's value, read at start) or <c>NAME: { file: PATH }</c> (the file's text, trimmed). Secret
/// values are never logged.
/// </summary>
public sealed class EgressHeaderConfig
{
    /// <summary>The header name.</summary>
    public string Name { get; set; } = "";

    /// <summary>A literal value (empty when the value is a secret).</summary>
    public string Value { get; set; } = "";

    /// <summary><c>env</c>: the environment variable holding the value.</summary>
    public string Env { get; set; } = "";

    /// <summary><c>file</c>: the file holding the value.</summary>
    public string File { get; set; } = "";
}
