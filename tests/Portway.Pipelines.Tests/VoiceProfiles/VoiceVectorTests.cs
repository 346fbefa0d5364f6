using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

public sealed class VoiceVectorTests
{
    [Theory]
    [InlineData(0.1234565, 0.123457)]
    [InlineData(-0.1234565, -0.123457)]
    [InlineData(-0.0000001, 0)]
    [InlineData(0.9999996, 1)]
    public void Round_KeepsSixDecimalsAwayFromZero(double value, double expected) =>
        Assert.Equal(expected, VoiceVector.Round(value));

    [Fact]
    public void Round_TinyNegative_IsPositiveZero() =>
        Assert.False(double.IsNegative(VoiceVector.Round(-0.0000001)));

    [Fact]
    public void IsValid_NaNOrInfinityOrWrongLength_IsFalse()
    {
        Assert.False(VoiceVector.IsValid([double.NaN, 0, 0, 0, 0, 0, 0, 0]));
        Assert.False(VoiceVector.IsValid([double.PositiveInfinity, 0, 0, 0, 0, 0, 0, 0]));
        Assert.False(VoiceVector.IsValid(new double[7]));
        Assert.False(VoiceVector.IsValid(null));
        Assert.True(VoiceVector.IsValid(new double[8]));
    }
}
