using Portway.Configuration;

namespace Portway.Adapters.Egress.Internal;

/// <summary>An egress's headers with their secrets read (environment variable or file), once, at start.</summary>
internal static class EgressHeaders
{
    /// <summary>Name → value; throws naming the egress and the header (never the value) when a secret cannot be read.</summary>
    public static KeyValuePair<string, string>[] Resolve(string egress, IEnumerable<EgressHeaderConfig> headers) =>
        headers.Select(h => KeyValuePair.Create(h.Name, Value(egress, h))).ToArray();

    private static string Value(string egress, EgressHeaderConfig header)
    {
        if (header.Env.Length > 0)
        {
            return Environment.GetEnvironmentVariable(header.Env) is { Length: > 0 } value && !value.Any(c => c is '\r' or '\n' or '\0')
                ? value
                : throw new InvalidOperationException($"egress '{egress}': header '{header.Name}' reads the environment variable {header.Env}, which is not set (or empty, or has a line break)");
        }

        if (header.File.Length > 0)
        {
            string text;
            try
            {
                text = File.ReadAllText(header.File).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"egress '{egress}': header '{header.Name}' reads {header.File}, which cannot be read: {ex.Message}", ex);
            }

            return text.Length > 0 && !text.Any(c => c is '\r' or '\n' or '\0')
                ? text
                : throw new InvalidOperationException($"egress '{egress}': header '{header.Name}' reads {header.File}, which is empty or holds more than one line");
        }

        return header.Value;
    }
}
