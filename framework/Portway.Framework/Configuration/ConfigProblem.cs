using System.Globalization;

namespace Portway.Configuration;

/// <summary>One problem in a config file, with the position it was found at (1-based line and column).</summary>
/// <param name="File">The source name the file was loaded under (a path or <c>embedded:runtime.yaml</c>).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong and, where it helps, what was expected.</param>
public sealed record ConfigProblem(string File, int Line, int Column, string Message)
{
    /// <summary><c>FILE:LINE:COL: message</c>, the shape compilers use so editors can jump to it.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}: {Message}");
}
