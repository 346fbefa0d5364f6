using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Portway.Internal.Configuration;

/// <summary>
/// Reads a config file for the loader: only a regular file (not a device such as <c>/dev/zero</c>, not a FIFO that
/// would block), at most <see cref="MaxBytes"/>, decoded as strict UTF-8 (an invalid byte is a located problem, not a
/// silent U+FFFD).
/// </summary>
internal static partial class ConfigFileReader
{
    /// <summary>Largest config file accepted: 1 MiB, far more than any config needs.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The file's bytes.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">Not a regular file, or larger than <see cref="MaxBytes"/>, or unreadable.</exception>
    public static byte[] ReadBytes(string path)
    {
        if (!File.Exists(path))
        {
            throw Directory.Exists(path)
                ? new IOException($"{path} is a directory, not a config file")
                : new FileNotFoundException($"config file not found: {path}", path);
        }

        if (FileType(path) is { } type && type != RegularFile)
        {
            throw new IOException($"{path} is not a regular file ({Describe(type)}); a config must be a regular file");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        var buffer = new byte[Math.Min(MaxBytes + 1, stream.CanSeek ? Math.Max(stream.Length + 1, 1) : MaxBytes + 1)];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0) break;
            read += n;
            if (read == buffer.Length && buffer.Length <= MaxBytes)
            {
                // The file grew while read: continue up to the limit.
                Array.Resize(ref buffer, Math.Min(MaxBytes + 1, buffer.Length * 2));
            }
        }

        if (read > MaxBytes)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{path} is larger than {MaxBytes} bytes; a config file is at most that"));
        }

        return buffer.AsSpan(0, read).ToArray();
    }

    /// <summary>The bytes as text (a UTF-8 byte order mark dropped); null with a located problem at the first invalid byte.</summary>
    public static string? Decode(ReadOnlySpan<byte> bytes, ConfigDiagnostics diagnostics)
    {
        if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out var bytesRead, out var charsWritten, replaceInvalidSequences: false);
            if (status == OperationStatus.Done) return new string(chars, 0, charsWritten);

            var before = chars.AsSpan(0, charsWritten);
            var line = before.Count('\n') + 1;
            var column = charsWritten - (before.LastIndexOf('\n') + 1) + 1;
            diagnostics.Report(new YamlDotNet.Core.Mark(bytesRead, line, column), string.Create(CultureInfo.InvariantCulture,
                $"invalid UTF-8 (byte 0x{bytes[bytesRead]:X2}); a config file must be UTF-8"));
            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private const int TypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    private static string Describe(int type) => type switch
    {
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => string.Create(CultureInfo.InvariantCulture, $"file type 0x{type:X}"),
    };

    /// <summary>The <c>S_IFMT</c> bits of the file (symbolic links followed), via <c>statx(2)</c> whose layout is the same on every Linux architecture; null elsewhere.</summary>
    private static int? FileType(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            const int AtFdCwd = -100;
            const uint StatxType = 0x1;
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }

        // struct statx: stx_mode is a __u16 at offset 28.
        return BitConverter.ToUInt16(buffer[28..30]) & TypeMask;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);
}
