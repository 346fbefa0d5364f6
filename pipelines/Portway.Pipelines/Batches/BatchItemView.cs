using System.Text.Json;

namespace Portway.Pipelines.Batches;

/// <summary>One item of a batch's status: its status, and its result or error once it has one.</summary>
internal sealed record BatchItemView(int Index, string Status, bool? Cached, JsonElement? Result, ItemError? Error);
