namespace Portway.Nodes;

/// <summary>One node known to the runtime: its YAML name and its class.</summary>
public sealed record NodeRegistration(string Name, Type NodeType);
