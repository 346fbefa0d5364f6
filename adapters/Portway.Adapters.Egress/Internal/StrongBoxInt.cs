namespace Portway.Adapters.Egress.Internal;

/// <summary>A mutable int shared by reference (the attempt count of one call).</summary>
internal sealed class StrongBoxInt
{
    public int Value;
}
