using System.Reflection;

namespace Portway.Pipelines;

/// <summary>The example pipelines' nodes, for discovery.</summary>
public static class PipelineNodes
{
    /// <summary>The assembly that holds the example nodes.</summary>
    public static Assembly Assembly => typeof(PipelineNodes).Assembly;
}
