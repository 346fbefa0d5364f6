using System.Diagnostics.CodeAnalysis;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Entries are equal when their ids are: lets the in-memory index keep a set of entries (no id string per node) and
/// look one up by a string id (<see cref="HashSet{T}.GetAlternateLookup{TAlternate}"/>).
/// </summary>
internal sealed class DirectoryEntryIdComparer : IEqualityComparer<DirectoryEntry>, IAlternateEqualityComparer<string, DirectoryEntry>
{
    public static readonly DirectoryEntryIdComparer Instance = new();

    public bool Equals(DirectoryEntry? x, DirectoryEntry? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.IdUtf8.SequenceEqual(y.IdUtf8));

    public int GetHashCode([DisallowNull] DirectoryEntry obj) => DirectoryEntryPacking.Hash(obj.IdUtf8);

    public bool Equals(string alternate, DirectoryEntry other) => other.HasId(alternate);

    public int GetHashCode(string alternate) => DirectoryEntryPacking.Hash(alternate);

    /// <summary>Not used: entries are added as entries, never made from an id.</summary>
    public DirectoryEntry Create(string alternate) => throw new NotSupportedException("a directory entry is added whole, not from its id");
}
