namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The node directory: register, heartbeat, fetch, discover, deregister, tokens, and the sweep that removes dead
/// nodes. A node's state is computed from its last heartbeat and the clock (<see cref="DirectoryLifecycle"/>), so
/// the timeline needs no timer to be right; the sweep only frees the dead. A dead node is gone even before the
/// sweep: fetching it answers <c>not_found</c>, and registering its id starts afresh. Thread-safe: every write is a
/// compare-and-set against the entry it read (<see cref="IDirectoryStore.ReplaceAsync"/>), tried again on a conflict,
/// so hosts sharing one kv agree.
/// </summary>
internal sealed partial class NodeDirectoryService : IDisposable
{
    /// <summary>The state folder under the data directory.</summary>
    public const string FolderName = "directory";

    /// <summary>The most nodes one discovery page holds.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultLimit = 100;

    /// <summary>How often a write is tried again when another write of the same node came first.</summary>
    private const int MaxWriteAttempts = 8;

    private readonly IDirectoryStore _store;
    private readonly CapabilitySets _capabilitySets = new();
    private readonly TimeProvider _time;
    private readonly Lazy<DirectoryKey> _key;
    private readonly Lazy<DirectoryTokenVerifier> _verifier;

    public NodeDirectoryService(IDirectoryStore store, DirectoryKey key, TimeProvider time, DirectoryLifecycle? lifecycle = null)
        : this(store, () => key ?? throw new ArgumentNullException(nameof(key)), time, lifecycle)
    {
    }

    /// <summary>A directory whose key is made (or loaded) by <paramref name="key"/> on first use.</summary>
    public NodeDirectoryService(IDirectoryStore store, Func<DirectoryKey> key, TimeProvider time, DirectoryLifecycle? lifecycle = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        ArgumentNullException.ThrowIfNull(key);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        Lifecycle = lifecycle ?? DirectoryLifecycle.Default;
        _key = new Lazy<DirectoryKey>(key);
        _verifier = new Lazy<DirectoryTokenVerifier>(() => new DirectoryTokenVerifier(Key.PublicKeyPem, time));
        ReplayGuard = new DirectoryReplayGuard(null, time);
    }

    /// <summary>Sends the directory's changes over a WebSocket egress (the stages' <c>with: { egress }</c>), or null.</summary>
    public DirectoryNotifier? Notifier { get; init; }

    /// <summary>The signing key.</summary>
    public DirectoryKey Key => _key.Value;

    /// <summary>The timeline.</summary>
    public DirectoryLifecycle Lifecycle { get; }

    /// <summary>Verifies this directory's tokens (as any other node would, from the public key alone).</summary>
    public DirectoryTokenVerifier Verifier => _verifier.Value;

    /// <summary>Contacts nodes whose retry fell due (<see cref="SweepAsync"/>); null: no retry is attempted.</summary>
    public IDirectoryProbe? Probe { get; init; }

    /// <summary>How many nodes one sweep contacts at once. Defaults to 16.</summary>
    public int RetryConcurrency { get; init; } = 16;

    /// <summary>Remembers the signatures already used. Defaults to one in memory.</summary>
    public DirectoryReplayGuard ReplayGuard { get; init; }

    /// <summary>Where the entries are kept beyond this process; null when only in memory.</summary>
    public DirectoryPersistence? Persistence { get; init; }

    /// <summary>How many nodes are stored (every state but swept dead ones).</summary>
    public int Count => _store.Count;

    /// <summary>Registers a node, or updates the endpoints and capabilities of one with the same public key.</summary>
    public async ValueTask<DirectoryNodeView> RegisterAsync(string? id, string? publicKey, IReadOnlyList<string?>? endpoints, IReadOnlyList<string?>? capabilities, CancellationToken cancellationToken = default)
    {
        var nodeId = DirectoryInput.Id(id);
        var key = NodeSignature.Normalize(DirectoryInput.PublicKey(publicKey));
        var endpointList = DirectoryInput.Endpoints(endpoints);
        var capabilityList = _capabilitySets.Share(DirectoryInput.Capabilities(capabilities));
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var stored = await _store.GetAsync(nodeId, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var existing = Live(stored, now);
            if (existing is not null && !existing.HasKey(key))
            {
                throw new PortwayException(ErrorCode.Conflict, $"node '{nodeId}' is registered with another public key");
            }

            var entry = new DirectoryEntry(nodeId, existing?.PublicKey ?? key, endpointList, capabilityList,
                existing?.RegisteredTicks ?? now.UtcTicks, now.UtcTicks);
            if (await _store.ReplaceAsync(stored, entry, cancellationToken).ConfigureAwait(false))
            {
                return DirectoryNodeView.Of(entry, DirectoryNodeState.Active, created: existing is null);
            }
        }

        throw Contended(nodeId);
    }

    /// <summary>
    /// Records a heartbeat signed by the node's key (<paramref name="proof"/>, <see cref="NodeSignature"/>): the node is
    /// active again, whatever state it was in before dead. A missing, wrong, stale or replayed signature is <c>unauthorized</c>.
    /// </summary>
    public async ValueTask<DirectoryNodeView> HeartbeatAsync(string? id, NodeProof proof, CancellationToken cancellationToken = default)
    {
        var nodeId = DirectoryInput.Id(id);
        var read = await CheckProofAsync(nodeId, "heartbeat", proof, cancellationToken).ConfigureAwait(false);
        return await TouchAsync(nodeId, read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the node active from now (a checked heartbeat, or a retry the node answered); <paramref name="read"/>: the entry as just read, if any.</summary>
    private async ValueTask<DirectoryNodeView> TouchAsync(string nodeId, DirectoryEntry? read, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var stored = attempt == 0 && read is not null ? read : await _store.GetAsync(nodeId, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var entry = (Live(stored, now) ?? throw NotFound(nodeId)) with { LastSeenTicks = now.UtcTicks, Retried = 0 };
            if (await _store.ReplaceAsync(stored, entry, cancellationToken).ConfigureAwait(false))
            {
                return DirectoryNodeView.Of(entry, DirectoryNodeState.Active);
            }
        }

        throw Contended(nodeId);
    }

    /// <summary>The node and its state now (coma included; a dead node is not found).</summary>
    public async ValueTask<DirectoryNodeView> GetAsync(string? id, CancellationToken cancellationToken = default)
    {
        var nodeId = DirectoryInput.Id(id);
        var stored = await _store.GetAsync(nodeId, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var entry = Live(stored, now) ?? throw NotFound(nodeId);
        return DirectoryNodeView.Of(entry, Lifecycle.StateAt(entry.LastSeen, now));
    }

    /// <summary>
    /// A page of discoverable nodes in id order, only those offering <paramref name="capability"/> and in
    /// <paramref name="state"/> when given. Coma and dead nodes are never returned.
    /// </summary>
    public DirectoryPage Discover(string? capability, string? state, int? limit, string? after)
    {
        if (capability is not null && !DirectoryInput.IsValidCapability(capability))
        {
            throw new PortwayException(ErrorCode.ValidationFailed, $"capability must be 1 to {DirectoryInput.MaxCapabilityLength} characters from A-Z, a-z, 0-9, '.', '_' and '-'");
        }

        DirectoryNodeState? wanted = null;
        if (state is not null)
        {
            wanted = DirectoryStates.TryParseDiscoverable(state, out var parsed)
                ? parsed
                : throw new PortwayException(ErrorCode.ValidationFailed, $"state must be one of {string.Join(", ", DirectoryStates.Discoverable)} (coma and dead nodes are not discoverable)");
        }

        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
        {
            throw new PortwayException(ErrorCode.ValidationFailed, $"limit must be an integer from 1 to {MaxLimit}");
        }

        string? afterId = null;
        if (after is not null && !DirectoryCursor.TryRead(after, out afterId))
        {
            throw new PortwayException(ErrorCode.ValidationFailed, "after must be a cursor from a previous page's next");
        }

        var now = _time.GetUtcNow();
        var page = _store.Page(capability, afterId, entry =>
        {
            var current = Lifecycle.StateAt(entry.LastSeen, now);
            return DirectoryStates.IsDiscoverable(current) && (wanted is null || current == wanted);
        }, size, out var more);
        var nodes = page.Select(e => DirectoryNodeView.Of(e, Lifecycle.StateAt(e.LastSeen, now))).ToArray();
        return new DirectoryPage(nodes, more ? DirectoryCursor.After(page[^1].Id) : null);
    }

    /// <summary>Removes the node; <c>not_found</c> when there is none.</summary>
    public async ValueTask DeregisterAsync(string? id, CancellationToken cancellationToken = default)
    {
        var nodeId = DirectoryInput.Id(id);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var stored = Live(await _store.GetAsync(nodeId, cancellationToken).ConfigureAwait(false), _time.GetUtcNow()) ?? throw NotFound(nodeId);
            if (await _store.RemoveAsync(stored, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw Contended(nodeId);
    }

    /// <summary>
    /// A 5-minute token for a discoverable node, asked for with its signature (<paramref name="proof"/>); a node in coma
    /// must send a heartbeat first.
    /// </summary>
    public async ValueTask<(string Token, DateTimeOffset ExpiresAt)> IssueTokenAsync(string? id, NodeProof proof, CancellationToken cancellationToken = default)
    {
        var view = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        await CheckProofAsync(view.Id, "token", proof, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (!DirectoryStates.IsDiscoverable(Lifecycle.StateAt(view.LastSeen, now)))
        {
            throw new PortwayException(ErrorCode.Conflict, $"node '{view.Id}' is in {view.State}: send a heartbeat before asking for a token");
        }

        return DirectoryToken.Issue(Key, view.Id, now);
    }

    /// <summary>
    /// Removes every dead node, counts the rest by state, and contacts each node whose retry (48 h, 2 weeks, 2 months
    /// after the miss) fell due and was not attempted yet, through <see cref="Probe"/>: a node that answers is active
    /// again, as after a heartbeat; one that does not stays where the timeline puts it, and that retry is not attempted
    /// again. A node the index holds as dead is read again first: on a shared kv another host may have heard from it.
    /// </summary>
    public async ValueTask<DirectorySweep> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var counts = new int[(int)DirectoryNodeState.Dead + 1];
        var removed = 0;
        var due = new List<(string Id, DirectoryNodeState State)>();
        foreach (var entry in _store.All())
        {
            var state = Lifecycle.StateAt(entry.LastSeen, now);
            if (Probe is not null && state is >= DirectoryNodeState.Retry48h and <= DirectoryNodeState.Retry2m && entry.Retried < (byte)state)
            {
                due.Add((entry.Id, state));
            }

            if (state == DirectoryNodeState.Dead)
            {
                if (await _store.GetAsync(entry.Id, cancellationToken).ConfigureAwait(false) is not { } current)
                {
                    continue;
                }

                state = Lifecycle.StateAt(current.LastSeen, now);
                if (state == DirectoryNodeState.Dead)
                {
                    if (await _store.RemoveAsync(current, cancellationToken).ConfigureAwait(false))
                    {
                        removed++;
                    }

                    continue;
                }
            }

            counts[(int)state]++;
        }

        var (retried, revived) = due.Count == 0 ? (0, 0) : await RetryAsync(due, cancellationToken).ConfigureAwait(false);
        return new DirectorySweep(now, removed, Enum.GetValues<DirectoryNodeState>()
            .Where(s => s != DirectoryNodeState.Dead)
            .ToDictionary(DirectoryStates.Name, s => counts[(int)s], StringComparer.Ordinal), retried, revived);
    }

    /// <summary>Loads the entries (from the snapshot or the kv) and, on a shared kv, starts following the other hosts.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Persistence is not null)
        {
            await Persistence.LoadAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_store is SharedDirectoryStore shared)
        {
            await shared.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the entries out (memory kv) or stops following the other hosts (shared kv).</summary>
    public async Task StopAsync()
    {
        if (Persistence is not null)
        {
            await Persistence.FlushAsync().ConfigureAwait(false);
        }

        if (_store is SharedDirectoryStore shared)
        {
            await shared.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        (Probe as IDisposable)?.Dispose();
        if (_verifier.IsValueCreated)
        {
            _verifier.Value.Dispose();
        }

        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }
    }

    private DirectoryEntry? Live(DirectoryEntry? entry, DateTimeOffset now) =>
        entry is not null && Lifecycle.StateAt(entry.LastSeen, now) != DirectoryNodeState.Dead ? entry : null;

    /// <summary>Checks the node's signature and that it is new; answers the entry it read.</summary>
    private async ValueTask<DirectoryEntry> CheckProofAsync(string nodeId, string op, NodeProof proof, CancellationToken cancellationToken)
    {
        var entry = Live(await _store.GetAsync(nodeId, cancellationToken).ConfigureAwait(false), _time.GetUtcNow()) ?? throw NotFound(nodeId);
        var signature = NodeSignature.Verify(entry.PublicKey, op, nodeId, proof, _time.GetUtcNow());
        if (!await ReplayGuard.FirstUseAsync(signature, cancellationToken).ConfigureAwait(false))
        {
            throw new PortwayException(ErrorCode.Unauthorized, $"replayed: this {op} signature was used before; sign each request with a fresh ts");
        }

        return entry;
    }

    private static PortwayException Contended(string id) =>
        new(ErrorCode.Unavailable, $"node '{id}' changed {MaxWriteAttempts} times while this request tried to write it; try again");

    private static PortwayException NotFound(string id) => new(ErrorCode.NotFound, $"node '{id}' is not registered");
}
