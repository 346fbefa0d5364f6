namespace Portway.Samples.Greetings;

/// <summary>The greeting's settings (options pattern: <c>Greetings</c> section of appsettings.json in the sample app).</summary>
public sealed class GreetingOptions
{
    /// <summary>The word before the name. Defaults to <c>Hello</c>.</summary>
    public string Salutation { get; set; } = "Hello";
}
