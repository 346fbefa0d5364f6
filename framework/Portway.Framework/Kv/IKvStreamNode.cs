using Portway.Nodes;

namespace Portway.Kv;

/// <summary>
/// A stream node that serves the <c>kv_stream</c> port: its items are the changes of watched keys (the current
/// value of each, then every change in order per key). A pipeline whose sink is one is a kv stream pipeline: an
/// interface serving it must bind <c>kv_stream</c>, and its stream has no deadline between items (a watched key
/// may stay unchanged for hours); it ends when the caller goes away or the watch fails.
/// </summary>
/// <remarks>Derive from <see cref="KvWatchNode{TIn}"/> rather than implementing this directly.</remarks>
public interface IKvStreamNode : IStreamNode;
