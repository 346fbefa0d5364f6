using System.Text;

namespace Portway.Internal.Security;

/// <summary>
/// The last few strings decoded for each field that repeats from frame to frame on one link (route, tenant, a stage
/// hop's node, pipeline and stage names): a frame whose bytes match one of them gets that string instead of a new one
/// (no allocation, no UTF-8 decoding). Bounded: <see cref="Ways"/> strings of at most <see cref="MaxLength"/> bytes
/// per field. Not thread-safe: one per link, used by its reading thread only.
/// </summary>
internal sealed class DecodedStrings
{
    public const int Route = 0;
    public const int Tenant = 1;

    /// <summary>The first slot of the header values, indexed by the known header key's index after it.</summary>
    public const int HeaderValues = 2;

    private const int Ways = 4;
    private const int MaxLength = 128;
    private readonly byte[]?[] _bytes;
    private readonly string[] _values;
    private readonly int[] _next;

    public DecodedStrings(int slots)
    {
        _bytes = new byte[slots * Ways][];
        _values = new string[slots * Ways];
        _next = new int[slots];
    }

    /// <summary>The string of <paramref name="utf8"/> for field <paramref name="slot"/>: a remembered one when the bytes match.</summary>
    public string Get(int slot, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }

        if (utf8.Length > MaxLength || (uint)slot >= (uint)_next.Length)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var first = slot * Ways;
        for (var i = first; i < first + Ways; i++)
        {
            if (_bytes[i] is { } bytes && utf8.SequenceEqual(bytes))
            {
                return _values[i];
            }
        }

        var value = Encoding.UTF8.GetString(utf8);
        var at = first + _next[slot];
        _next[slot] = (_next[slot] + 1) % Ways;
        _bytes[at] = utf8.ToArray();
        _values[at] = value;
        return value;
    }
}
