using System.Buffers.Text;
using System.Text;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>The discovery cursor: the last id of a page, base64url-encoded (opaque to clients).</summary>
internal static class DirectoryCursor
{
    /// <summary>The cursor that continues after <paramref name="id"/>.</summary>
    public static string After(string id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(id));

    /// <summary>The id a cursor continues after; false when <paramref name="cursor"/> is not one this directory gives.</summary>
    public static bool TryRead(string cursor, out string id)
    {
        id = "";
        if (cursor.Length is 0 or > 256 || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        var bytes = Base64Url.DecodeFromChars(cursor);
        try
        {
            id = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        return DirectoryInput.IsValidId(id);
    }
}
