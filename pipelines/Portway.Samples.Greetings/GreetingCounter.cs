namespace Portway.Samples.Greetings;

/// <summary>How many greetings this process made (a singleton the scoped node uses).</summary>
public sealed class GreetingCounter
{
    private long _count;

    public long Next() => Interlocked.Increment(ref _count);
}
