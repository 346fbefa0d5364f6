using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Portway.Pipelines.Batches;

/// <summary>An item's content hash: SHA-256 of its compact JSON (whitespace does not matter, property order does), lowercase hex.</summary>
internal static class ContentHash
{
    public static string Of(JsonElement item)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            item.WriteTo(writer);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }
}
