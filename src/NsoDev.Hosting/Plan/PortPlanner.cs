
namespace NsoDev.Hosting.Plan;

/// <summary>
/// Gives every instance distinct ports, deterministically. An instance that ran before keeps the ports
/// it had, while they are free, as an ncs-setup directory keeps those in its ncs.conf. Otherwise the
/// first instance gets NSO's stock ports where they are free; instance i gets the block 20000 + 10·i
/// (+0 IPC, +1 NETCONF, +2 CLI, +3 web UI), moved up by 1000 at a time when a port of that block is
/// taken. Blocks never overlap, so no two kinds or instances can collide.
/// </summary>
internal sealed class PortPlanner(IPortProbe probe)
{
    public const int BlockBase = 20000;
    public const int BlockSize = 10;
    public const int BandSize = 1000;
    public const int Bands = 10;
    public const int MaxInstances = BandSize / BlockSize;

    /// <summary>NETCONF over TCP, call-home and HA (NSO-NOTES §1): never planned, never allowed.</summary>
    public static readonly IReadOnlySet<int> ReservedPorts = new HashSet<int> { 2023, 4334, 4570 };

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

        return plans;
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
        foreach (var candidate in Candidates(index, kind))
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
        if (ReservedPorts.Contains(port) || taken.ContainsKey(port) || leasedElsewhere.Contains(port) || !request.IsFreeFor(port, probe))
        {
            return false;
        }

        taken[port] = $"'{request.InstanceName}' {kind.EndpointName()}";
        return true;
    }

    internal static IEnumerable<int> Candidates(int index, NsoPortKind kind)
    {
        if (index == 0)
        {
            yield return kind.StockPort();
        }

        for (var band = 0; band < Bands; band++)
        {
            yield return BlockBase + (band * BandSize) + (index * BlockSize) + (int)kind;
        }
    }
}
