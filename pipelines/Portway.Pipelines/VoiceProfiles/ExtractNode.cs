using Portway.Nodes;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// <c>voice.extract</c>: <c>{"tenant","profile_name","text"}</c> answers <c>{"tenant","profile_name","hrv":[8]}</c>,
/// the text's 8 features (<see cref="TextFeatures"/>), carrying tenant and profile name through for
/// <c>voice.compare</c>. The text is required, holds a non-white-space character and at most
/// <see cref="MaxTextLength"/> UTF-16 characters; names follow <see cref="VoiceProfileNames"/>.
/// </summary>
[PortwayNode("voice.extract")]
internal sealed class ExtractNode : Node<ExtractNode.Input, ExtractNode.Output>
{
    /// <summary>The longest text, in UTF-16 characters (<see cref="string.Length"/>).</summary>
    public const int MaxTextLength = 10_000;

    protected override ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Execute(input));

    private static NodeOutcome<Output> Execute(Input input)
    {
        if ((VoiceProfileNames.Check(input.Tenant, "tenant") ?? VoiceProfileNames.Check(input.ProfileName, "profile_name")) is { } nameError)
        {
            return nameError;
        }

        if (CheckText(input.Text, "text") is { } textError)
        {
            return textError;
        }

        return new Output(input.Tenant!, input.ProfileName!, TextFeatures.Measure(input.Text!));
    }

    /// <summary>Null when <paramref name="text"/> is a text the features can be measured on; else why not.</summary>
    internal static PortwayError? CheckText(string? text, string field)
    {
        if (text is null)
        {
            return new PortwayError(ErrorCode.ValidationFailed, $"{field} is required");
        }

        if (text.Length > MaxTextLength)
        {
            return new PortwayError(ErrorCode.ValidationFailed, $"{field} must be at most {MaxTextLength} characters, got {text.Length}");
        }

        return string.IsNullOrWhiteSpace(text)
            ? new PortwayError(ErrorCode.ValidationFailed, $"{field} must not be empty or white space only")
            : null;
    }

    internal sealed record Input(string? Tenant, string? ProfileName, string? Text);

    internal sealed record Output(string Tenant, string ProfileName, double[] Hrv);
}
