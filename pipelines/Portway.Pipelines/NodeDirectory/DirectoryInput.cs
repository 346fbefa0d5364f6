namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Checks what a node sends: an id of 1 to 128 characters from <c>A-Z a-z 0-9 . _ : -</c> starting with a
/// letter or digit; a public key of 1 to 4096 printable ASCII characters (PEM or base64, stored as given);
/// up to 16 absolute endpoint URIs of at most 512 characters; up to 32 capabilities of 1 to 64 characters from
/// <c>A-Z a-z 0-9 . _ -</c>. Each problem is a <c>validation_failed</c> error naming the field.
/// </summary>
internal static class DirectoryInput
{
    public const int MaxIdLength = 128;
    public const int MaxPublicKeyLength = 4096;
    public const int MaxEndpoints = 16;
    public const int MaxEndpointLength = 512;
    public const int MaxCapabilities = 32;
    public const int MaxCapabilityLength = 64;

    /// <summary>True for a valid node id.</summary>
    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a valid capability name.</summary>
    public static bool IsValidCapability(string? capability)
    {
        if (string.IsNullOrEmpty(capability) || capability.Length > MaxCapabilityLength)
        {
            return false;
        }

        foreach (var c in capability)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The id, or throws <c>validation_failed</c>.</summary>
    public static string Id(string? id) => IsValidId(id)
        ? id!
        : throw Invalid(id is null ? "id is required" : $"id must be 1 to {MaxIdLength} characters from A-Z, a-z, 0-9, '.', '_', ':' and '-', starting with a letter or digit");

    /// <summary>The public key, or throws <c>validation_failed</c>.</summary>
    public static string PublicKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxPublicKeyLength)
        {
            throw Invalid($"public_key is required: 1 to {MaxPublicKeyLength} characters (PEM or base64)");
        }

        foreach (var c in key)
        {
            if (c is not ('\n' or '\r') && (c < ' ' || c > '~'))
            {
                throw Invalid("public_key must be printable ASCII (PEM or base64)");
            }
        }

        return key;
    }

    /// <summary>The endpoints as given (order kept), or throws <c>validation_failed</c>.</summary>
    public static string[] Endpoints(IReadOnlyList<string?>? endpoints)
    {
        if (endpoints is null)
        {
            return [];
        }

        if (endpoints.Count > MaxEndpoints)
        {
            throw Invalid($"endpoints may hold at most {MaxEndpoints} URIs");
        }

        var result = new string[endpoints.Count];
        for (var i = 0; i < endpoints.Count; i++)
        {
            var endpoint = endpoints[i];
            if (endpoint is null || endpoint.Length > MaxEndpointLength || !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
            {
                throw Invalid($"endpoints[{i}] must be an absolute URI of at most {MaxEndpointLength} characters");
            }

            result[i] = endpoint;
        }

        return result;
    }

    /// <summary>The capabilities, distinct and ordinal-sorted, or throws <c>validation_failed</c>.</summary>
    public static string[] Capabilities(IReadOnlyList<string?>? capabilities)
    {
        if (capabilities is null)
        {
            return [];
        }

        if (capabilities.Count > MaxCapabilities)
        {
            throw Invalid($"capabilities may hold at most {MaxCapabilities} names");
        }

        for (var i = 0; i < capabilities.Count; i++)
        {
            if (!IsValidCapability(capabilities[i]))
            {
                throw Invalid($"capabilities[{i}] must be 1 to {MaxCapabilityLength} characters from A-Z, a-z, 0-9, '.', '_' and '-'");
            }
        }

        return capabilities.Select(c => string.Intern(c!)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    private static PortwayException Invalid(string message) => new(ErrorCode.ValidationFailed, message);
}
