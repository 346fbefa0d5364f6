using Microsoft.Extensions.Logging;

namespace Portway.Testing;

internal static class LoggingBuilderExtensions
{
    /// <summary>Tests keep the console quiet: warnings and above.</summary>
    public static ILoggingBuilder SetMinimumLevelWarning(this ILoggingBuilder logging) => logging.SetMinimumLevel(LogLevel.Warning);
}
