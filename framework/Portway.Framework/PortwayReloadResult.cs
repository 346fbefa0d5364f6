using Portway.Configuration;

namespace Portway;

/// <summary>What <see cref="IPortwayConfigReloader.Reload"/> did.</summary>
/// <param name="Applied">True when the new config now serves.</param>
/// <param name="Version">The version serving after the call.</param>
/// <param name="Problems">Why it was not applied (empty when applied).</param>
public sealed record PortwayReloadResult(bool Applied, long Version, IReadOnlyList<ConfigProblem> Problems);
