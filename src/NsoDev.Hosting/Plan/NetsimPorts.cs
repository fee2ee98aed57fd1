using System.Globalization;
using NsoDev.Hosting.Declare;

namespace NsoDev.Hosting.Plan;

/// <summary>The five ports of a netsim device (NSO-NOTES §9); each network gets a base of each, and device i uses base + i.</summary>
internal enum NetsimPortKind
{
    Ipc = 0,
    NetconfSsh = 1,
    NetconfTcp = 2,
    CliSsh = 3,
    Snmp = 4,
}

internal static class NetsimPortKinds
{
    /// <summary>NsoDev's range of device ports: kind k in 15000 + 1000·k to 15999 + 1000·k, below the instances' 20000-29999 and the kernel's ephemeral ports (32768 up).</summary>
    public const int RangeBase = 15000;

    public const int RangeSize = 1000;

    public static IReadOnlyList<NetsimPortKind> All { get; } = Enum.GetValues<NetsimPortKind>();

    /// <summary>The variable ncs-netsim reads the base from (NSO-NOTES §9).</summary>
    public static string Variable(this NetsimPortKind kind) => kind switch
    {
        NetsimPortKind.Ipc => "IPC_PORT",
        NetsimPortKind.NetconfSsh => "NETCONF_SSH_PORT",
        NetsimPortKind.NetconfTcp => "NETCONF_TCP_PORT",
        NetsimPortKind.CliSsh => "CLI_SSH_PORT",
        NetsimPortKind.Snmp => "SNMP_PORT",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The name in nsodev's records and messages.</summary>
    public static string Name(this NetsimPortKind kind) => kind switch
    {
        NetsimPortKind.Ipc => "ipc",
        NetsimPortKind.NetconfSsh => "netconf",
        NetsimPortKind.NetconfTcp => "netconf-tcp",
        NetsimPortKind.CliSsh => "cli",
        NetsimPortKind.Snmp => "snmp",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static NetsimPortKind? FromName(string name) =>
        All.Cast<NetsimPortKind?>().FirstOrDefault(k => k!.Value.Name() == name);

    /// <summary>The first port of the kind's range.</summary>
    public static int RangeStart(this NetsimPortKind kind) => RangeBase + (RangeSize * (int)kind);
}

/// <summary>
/// The planned ports of one instance's netsim network: a base per kind, and <paramref name="Count"/>
/// consecutive ports from each, since ncs-netsim adds 1 per device from each base.
/// </summary>
internal sealed record NetsimPorts(IReadOnlyDictionary<NetsimPortKind, int> Bases, int Count)
{
    public int PortOf(NetsimPortKind kind, int deviceIndex) => Bases[kind] + deviceIndex;

    /// <summary>Every port of the network, the five blocks.</summary>
    public IEnumerable<int> All => Bases.Values.SelectMany(b => Enumerable.Range(b, Count));

    /// <summary>The variables that make ncs-netsim use these bases.</summary>
    public IReadOnlyDictionary<string, string?> Environment =>
        Bases.ToDictionary(b => b.Key.Variable(), b => (string?)b.Value.ToString(CultureInfo.InvariantCulture));

    /// <summary>The bases by name, for records.</summary>
    public IReadOnlyDictionary<string, int> ByName => Bases.ToDictionary(b => b.Key.Name(), b => b.Value);

    /// <summary>Bases read back from a record; null when one is missing or out of range.</summary>
    public static NetsimPorts? FromNames(IReadOnlyDictionary<string, int>? bases, int count)
    {
        if (bases is null || count < 1)
        {
            return null;
        }

        var parsed = bases
            .Select(b => (Kind: NetsimPortKinds.FromName(b.Key), b.Value))
            .Where(b => b.Kind is not null && b.Value >= 1 && b.Value + count - 1 <= 65535)
            .ToDictionary(b => b.Kind!.Value, b => b.Value);
        return parsed.Count == NetsimPortKinds.All.Count ? new NetsimPorts(parsed, count) : null;
    }
}

/// <summary>One simulated device as planned: its name, its index in the network (which sets its ports) and its NED package.</summary>
internal sealed record NetsimDevice(string Name, int Index, string Prefix, string Package, NetsimPorts Ports)
{
    public int NetconfPort => Ports.PortOf(NetsimPortKind.NetconfSsh, Index);

    public int CliPort => Ports.PortOf(NetsimPortKind.CliSsh, Index);

    public int IpcPort => Ports.PortOf(NetsimPortKind.Ipc, Index);
}

/// <summary>An instance's netsim network: what was declared, where it lives, and its ports.</summary>
internal sealed record NetsimPlan(IReadOnlyList<NetsimDeclaration> Networks, NetsimPorts Ports, string Directory)
{
    public int DeviceCount => Networks.Sum(n => n.Count);

    /// <summary>Every device, in ncs-netsim's order: the networks as declared, each device after the one before.</summary>
    public IReadOnlyList<NetsimDevice> Devices
    {
        get
        {
            var devices = new List<NetsimDevice>();
            foreach (var network in Networks)
            {
                foreach (var name in network.DeviceNames)
                {
                    devices.Add(new NetsimDevice(name, devices.Count, network.Prefix, network.Package, Ports));
                }
            }

            return devices;
        }
    }
}
