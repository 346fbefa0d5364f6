using System.Diagnostics;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>
/// Puts <see cref="Activity.Current"/> back when disposed: a message's span is current while its envelope is
/// dispatched (so stage spans are its children) but not for the next message the receive loop reads.
/// </summary>
internal readonly struct ActivityRestore(Activity? previous) : IDisposable
{
    public void Dispose() => Activity.Current = previous;
}
