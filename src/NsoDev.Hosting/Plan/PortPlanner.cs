
namespace NsoDev.Hosting.Plan;

/// <summary>
/// Gives every instance distinct ports, deterministically. An instance that ran before keeps the ports
/// it had, while they are free, as an ncs-setup directory keeps those in its ncs.conf. Otherwise the
/// first instance gets NSO's stock ports where they are free; instance i gets the block 20000 + 10·i
/// (+0 IPC, +1 NETCONF, +2 CLI, +3 web UI, +4 an HA Raft node's own port), moved up by 1000 at a time when a port of that block is
/// taken. Blocks never overlap, so no two kinds or instances can collide.
/// An instance's netsim devices get, per kind, a run of consecutive ports (one per device) in that kind's
/// range of 15000-19999 (<see cref="NetsimPortKinds"/>): last run's while all of them are free, else the
/// lowest offset at which the runs of all five kinds are free, so device i has the ports base + i.
/// </summary>
internal sealed class PortPlanner(IPortProbe probe)
{
    public const int BlockBase = 20000;
    public const int BlockSize = 10;
    public const int BandSize = 1000;
    public const int Bands = 10;
    public const int MaxInstances = BandSize / BlockSize;

    /// <summary>NETCONF over TCP, call-home, HA, and epmd, which HA Raft nodes up to 6.6 share (NSO-NOTES §1, §14): never planned, never allowed.</summary>
    public static readonly IReadOnlySet<int> ReservedPorts = new HashSet<int> { 2023, 4334, 4369, 4570 };

    public IReadOnlyList<InstancePorts> Plan(IReadOnlyList<InstancePortRequest> requests, IReadOnlySet<int>? leasedElsewhere = null)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count > MaxInstances)
        {
            throw new PortPlanningException($"{requests.Count} NSO instances were declared, but the port scheme holds at most {MaxInstances}. Declare fewer instances.");
        }

        leasedElsewhere ??= new HashSet<int>();
        var taken = new Dictionary<int, string>();
        ClaimExplicitPorts(requests, leasedElsewhere, taken);
        var kept = KeepPreviousPorts(requests, leasedElsewhere, taken);
        var keptNetsim = KeepPreviousNetsimPorts(requests, leasedElsewhere, taken);

        var plans = new List<InstancePorts>(requests.Count);
        for (var index = 0; index < requests.Count; index++)
        {
            var request = requests[index];
            var ports = new Dictionary<NsoPortKind, int>();
            foreach (var (kind, explicitPort) in request.Ports)
            {
                ports[kind] = explicitPort
                    ?? (kept.TryGetValue((request.InstanceName, kind), out var previous) ? previous : Choose(index, kind, request, leasedElsewhere, taken));
            }

            plans.Add(new InstancePorts(request.InstanceName, ports));
        }

        // After every instance port, so a device block never takes an instance's first choice.
        for (var index = 0; index < requests.Count; index++)
        {
            var request = requests[index];
            if (request.NetsimDevices > 0)
            {
                plans[index] = plans[index] with { Netsim = keptNetsim.GetValueOrDefault(request.InstanceName) ?? ChooseNetsim(request, leasedElsewhere, taken) };
            }
        }

        return plans;
    }

    /// <summary>Last run's device blocks, when the whole of each still fits the devices and is free.</summary>
    private Dictionary<string, NetsimPorts> KeepPreviousNetsimPorts(IReadOnlyList<InstancePortRequest> requests, IReadOnlySet<int> leasedElsewhere, Dictionary<int, string> taken)
    {
        var kept = new Dictionary<string, NetsimPorts>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            if (request.NetsimDevices > 0 && request.PreviousNetsim is { } previous)
            {
                var ports = new NetsimPorts(previous.Bases, request.NetsimDevices);
                if (ports.All.Distinct().Count() == NetsimPortKinds.All.Count * ports.Count && ports.All.All(p => p is >= 1 and <= 65535 && IsClaimable(p, request, leasedElsewhere, taken)))
                {
                    ClaimNetsim(ports, request, taken);
                    kept[request.InstanceName] = ports;
                }
            }
        }

        return kept;
    }

    private NetsimPorts ChooseNetsim(InstancePortRequest request, IReadOnlySet<int> leasedElsewhere, Dictionary<int, string> taken)
    {
        var count = request.NetsimDevices;
        for (var offset = 0; offset + count <= NetsimPortKinds.RangeSize; offset++)
        {
            var ports = new NetsimPorts(NetsimPortKinds.All.ToDictionary(k => k, k => k.RangeStart() + offset), count);
            if (ports.All.All(p => IsClaimable(p, request, leasedElsewhere, taken)))
            {
                ClaimNetsim(ports, request, taken);
                return ports;
            }
        }

        var last = NetsimPortKinds.All[^1].RangeStart() + NetsimPortKinds.RangeSize - 1;
        throw new PortPlanningException($"No free run of {count} ports per kind for the netsim devices of '{request.InstanceName}' in {NetsimPortKinds.RangeBase}-{last}: busy ports, other instances' devices or other app hosts' leases fill it. Free some ports there, or declare fewer devices.");
    }

    private static void ClaimNetsim(NetsimPorts ports, InstancePortRequest request, Dictionary<int, string> taken)
    {
        foreach (var kind in NetsimPortKinds.All)
        {
            for (var i = 0; i < ports.Count; i++)
            {
                taken[ports.PortOf(kind, i)] = $"'{request.InstanceName}' device {i} {kind.Name()}";
            }
        }
    }

    private void ClaimExplicitPorts(IReadOnlyList<InstancePortRequest> requests, IReadOnlySet<int> leasedElsewhere, Dictionary<int, string> taken)
    {
        foreach (var request in requests)
        {
            foreach (var (kind, port) in request.Ports)
            {
                if (port is not int p)
                {
                    continue;
                }

                // Range, reserved ports and duplicates were refused as the ports were declared.
                var what = $"'{request.InstanceName}' {kind.EndpointName()}";
                if (leasedElsewhere.Contains(p))
                {
                    throw new PortPlanningException($"Port {p} for {what} is leased by another NsoDev app host on this machine. Choose another port, or stop that app host.");
                }

                if (!request.IsFreeFor(p, probe))
                {
                    throw new PortPlanningException($"Port {p} for {what} is in use by another process. Free it (see `ss -ltnp 'sport = :{p}'`), or choose another port and restart the AppHost.");
                }

                taken[p] = what;
            }
        }
    }

    /// <summary>Last run's ports, before any new choice, so that no other instance's first choice can take them.</summary>
    private Dictionary<(string Instance, NsoPortKind Kind), int> KeepPreviousPorts(IReadOnlyList<InstancePortRequest> requests, IReadOnlySet<int> leasedElsewhere, Dictionary<int, string> taken)
    {
        var kept = new Dictionary<(string, NsoPortKind), int>();
        foreach (var request in requests)
        {
            foreach (var (kind, explicitPort) in request.Ports)
            {
                if (explicitPort is null
                    && request.Previous is { } previous
                    && previous.TryGetValue(kind, out var port)
                    && port is >= 1 and <= 65535
                    && TryClaim(port, kind, request, leasedElsewhere, taken))
                {
                    kept[(request.InstanceName, kind)] = port;
                }
            }
        }

        return kept;
    }

    private int Choose(int index, NsoPortKind kind, InstancePortRequest request, IReadOnlySet<int> leasedElsewhere, Dictionary<int, string> taken)
    {
        foreach (var candidate in Candidates(index, kind, request.TriesStockPorts(index)))
        {
            if (TryClaim(candidate, kind, request, leasedElsewhere, taken))
            {
                return candidate;
            }
        }

        throw new PortPlanningException($"No free {kind.EndpointName()} port for '{request.InstanceName}' in {BlockBase}-{BlockBase + (Bands * BandSize) - 1}. Free some ports, or give the port explicitly.");
    }

    /// <summary>Claims <paramref name="port"/> for the instance when it is not reserved, not planned already, not leased elsewhere and free.</summary>
    private bool TryClaim(int port, NsoPortKind kind, InstancePortRequest request, IReadOnlySet<int> leasedElsewhere, Dictionary<int, string> taken)
    {
        if (!IsClaimable(port, request, leasedElsewhere, taken))
        {
            return false;
        }

        taken[port] = $"'{request.InstanceName}' {kind.EndpointName()}";
        return true;
    }

    private bool IsClaimable(int port, InstancePortRequest request, IReadOnlySet<int> leasedElsewhere, Dictionary<int, string> taken) =>
        !ReservedPorts.Contains(port) && !taken.ContainsKey(port) && !leasedElsewhere.Contains(port) && request.IsFreeFor(port, probe);

    internal static IEnumerable<int> Candidates(int index, NsoPortKind kind, bool stockFirst)
    {
        if (stockFirst)
        {
            yield return kind.StockPort();
        }

        for (var band = 0; band < Bands; band++)
        {
            yield return BlockBase + (band * BandSize) + (index * BlockSize) + (int)kind;
        }
    }
}
