namespace Portway.Observability;

/// <summary>Receives every boundary event; register any number in DI. Called inline: keep it fast, never throw.</summary>
public interface IBoundaryEventSink
{
    /// <summary>Called for each event, in order per request.</summary>
    void OnEvent(BoundaryEvent boundaryEvent);
}
