using System.Diagnostics;

namespace TransitGrains.Persistence;

/// <summary>The spans the service records itself: the journal's group commits and reads, which run for many callers.</summary>
public static class TransitTracing
{
    public static readonly ActivitySource Source = new("TransitGrains");
}
