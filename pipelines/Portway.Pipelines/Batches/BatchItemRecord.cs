using System.Text.Json;

namespace Portway.Pipelines.Batches;

/// <summary>One item of a <see cref="BatchRecord"/>: its content and hash, its status (a running item is stored as <c>pending</c>: it runs again after a restart), its result or error.</summary>
internal sealed record BatchItemRecord(JsonElement Content, string Hash, string Status, JsonElement? Result, ItemError? Error, bool Cached);
