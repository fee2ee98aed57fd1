using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Tests;

/// <summary>A machine on which the given ports are held by other processes.</summary>
internal sealed class FakePortProbe(params int[] busy) : IPortProbe
{
    public HashSet<int> Busy { get; } = [.. busy];

    public bool IsFree(int port) => !Busy.Contains(port);
}
