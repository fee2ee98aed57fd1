
namespace NsoDev.Hosting.Plan;

/// <summary>
/// What one instance asks of the planner: the ports it needs, some of them fixed by the user, and the
/// ports it had on its last run (empty on the first), which it keeps while they are free.
/// <paramref name="HeldByOwnDaemon"/> are ports its own daemon, left running by an earlier app host,
/// still binds: they count as free for this instance alone, so it can be adopted on them.
/// <paramref name="NetsimDevices"/> is how many netsim devices it has (0 for none), and
/// <paramref name="PreviousNetsim"/> the device ports of its last run, kept while free.
/// </summary>
internal sealed record InstancePortRequest(
    string InstanceName,
    IReadOnlyDictionary<NsoPortKind, int?> Ports,
    IReadOnlyDictionary<NsoPortKind, int>? Previous = null,
    IReadOnlySet<int>? HeldByOwnDaemon = null,
    int NetsimDevices = 0,
    NetsimPorts? PreviousNetsim = null,
    bool? StockPortsFirst = null)
{
    /// <summary>Whether NSO's stock ports are tried first: by default only for the first instance; an HA Raft cluster's leader endpoints always, its nodes never.</summary>
    public bool TriesStockPorts(int index) => StockPortsFirst ?? index == 0;

    public bool IsFreeFor(int port, IPortProbe probe) => HeldByOwnDaemon?.Contains(port) == true || probe.IsFree(port);
}

/// <summary>The ports planned for one instance, and for its netsim devices when it has any.</summary>
internal sealed record InstancePorts(string InstanceName, IReadOnlyDictionary<NsoPortKind, int> Ports, NetsimPorts? Netsim = null)
{
    /// <summary>Every port planned for the instance and its devices, for the lease.</summary>
    public IEnumerable<int> All => Ports.Values.Concat(Netsim?.All ?? []);

    public int this[NsoPortKind kind] => Ports[kind];
}

/// <summary>Thrown when no valid plan exists; the message names the port and the fix.</summary>
internal sealed class PortPlanningException(string message) : InvalidOperationException(message);
