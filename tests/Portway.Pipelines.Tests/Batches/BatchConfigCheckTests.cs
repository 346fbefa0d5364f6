using Portway.Configuration;
using Portway.Nodes;
using Portway.Pipelines.Batches;

namespace Portway.Pipelines.Tests.Batches;

/// <summary>
/// The <c>batch.submit</c> stage's pool and item settings out of range are located config problems (FILE:LINE:COL,
/// so <c>portway check</c> reports them), from the node's own attributes, not a startup failure.
/// </summary>
public sealed class BatchConfigCheckTests
{
    private static readonly IReadOnlyCollection<NodeRegistration> Catalog = [.. NodeDiscovery.BuiltIn, .. NodeDiscovery.FromAssembly(PipelineNodes.Assembly)];

    private static ConfigLoadResult Load(string with) => PortwayConfigLoader.Load($$"""
        pipelines:
          batch_submit:
            stages:
              - { name: submit, node: batch.submit, with: { {{with}} } }
          batch_item:
            stages:
              - { name: features, node: batch.features }
        """, "test.yaml", Catalog);

    [Theory]
    [InlineData("concurrency: 0", "with.concurrency must be an integer from 1 to 256, not 0")]
    [InlineData("concurrency: 257", "with.concurrency must be an integer from 1 to 256, not 257")]
    [InlineData("concurrency: four", "with.concurrency must be an integer from 1 to 256, not \"four\"")]
    [InlineData("item_pipeline: batch_item, item_timeout_ms: 0", "with.item_timeout_ms must be an integer from 1 to 3600000, not 0")]
    [InlineData("item_pipeline: batch_item, item_timeout_ms: 3600001", "with.item_timeout_ms must be an integer from 1 to 3600000, not 3600001")]
    public void SubmitSetting_OutOfRange_IsALocatedProblem(string with, string expected)
    {
        var result = Load(with);

        Assert.Null(result.Config);
        // The problem points at the value on line 4 (the stage's line).
        var key = expected.Split(' ')[0]["with.".Length..];
        var column = Line4(with).IndexOf(key + ": ", StringComparison.Ordinal) + key.Length + 3;
        Assert.Equal($"test.yaml:4:{column}: stage 'submit' of pipeline 'batch_submit': {expected}", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void SubmitSettings_AtTheirBounds_AreValid_AndTheProcessorReadsThem()
    {
        var result = Load("concurrency: 256, item_pipeline: batch_item, item_timeout_ms: 3600000");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(256, BatchOptions.Concurrency(result.Config!));
        Assert.Equal(("batch_item", TimeSpan.FromMilliseconds(3_600_000)), BatchOptions.ItemPipeline(result.Config!));
    }

    private static string Line4(string with) => $"      - {{ name: submit, node: batch.submit, with: {{ {with} }} }}";
}
