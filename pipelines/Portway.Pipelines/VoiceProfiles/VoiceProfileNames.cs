namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// Tenant and profile names: 1 to 64 characters from <c>A-Z a-z 0-9 _ -</c> (<c>^[A-Za-z0-9_-]{1,64}$</c>).
/// A name that passes can be used as one path segment as is: no separator, no dot, no control character.
/// </summary>
internal static class VoiceProfileNames
{
    /// <summary>The longest name.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="name"/> is a valid tenant or profile name.</summary>
    /// <remarks>
    /// A loop, not a regex: <c>$</c> in .NET also matches before a trailing <c>\n</c>, so
    /// <c>^[A-Za-z0-9_-]{1,64}$</c> would let <c>"alice\n"</c> through.
    /// </remarks>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Null when <paramref name="name"/> is valid, else the validation error naming <paramref name="field"/>.</summary>
    public static PortwayError? Check(string? name, string field)
    {
        if (name is null)
        {
            return new PortwayError(ErrorCode.ValidationFailed, $"{field} is required");
        }

        return IsValid(name)
            ? null
            : new PortwayError(ErrorCode.ValidationFailed, $"{field} must be 1 to {MaxLength} characters from A-Z, a-z, 0-9, '_' and '-'");
    }

    /// <summary>Throws <see cref="PortwayException"/> (<c>validation_failed</c>) when <paramref name="name"/> is not valid.</summary>
    public static string Require(string? name, string field) =>
        Check(name, field) is { } error ? throw new PortwayException(error) : name!;
}
