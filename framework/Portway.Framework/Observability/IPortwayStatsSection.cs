using System.Text.Json;

namespace Portway.Observability;

/// <summary>
/// A section of the <c>/stats</c> object that a component of the host adds (the batch processor's metrics, an
/// egress's circuit breakers...). Registered in DI (<c>services.AddSingleton&lt;IPortwayStatsSection, T&gt;()</c>);
/// <see cref="PortwayStats.WriteJson"/> writes each one as <c>"NAME": { ... }</c>, in registration order.
/// </summary>
public interface IPortwayStatsSection
{
    /// <summary>The section's key in <c>/stats</c> (unique; not one of the runtime's own keys).</summary>
    string Name { get; }

    /// <summary>Writes the section's value (one JSON value: an object, normally). Must be quick and must not throw.</summary>
    void Write(Utf8JsonWriter writer);
}
