using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Declare;

/// <summary>
/// What the declaration asked of one instance, kept as an annotation on its resource. Only the
/// planner reads it; everything after planning reads the plan.
/// </summary>
internal sealed class NsoDeclaration : IResourceAnnotation
{
    public const string LoopbackAddress = "127.0.0.1";

    /// <summary>True when the app host publishes a manifest rather than running the instance.</summary>
    public bool IsPublishMode { get; init; }

    public EngineChoice Engine { get; set; } = new EngineChoice.Automatic();

    public IpcDeclaration Ipc { get; set; } = new IpcDeclaration.Tcp(null, LoopbackAddress);

    /// <summary>True once the IPC mode was chosen explicitly; a second, different choice is an error.</summary>
    public bool IpcChosen { get; set; }

    /// <summary>Set when the IPC access check is on: the secret, from a parameter, or generated when null.</summary>
    public AccessCheckDeclaration? AccessCheck { get; set; }

    /// <summary>Northbound listeners: enabled, with an optional explicit port.</summary>
    public Dictionary<NsoPortKind, int?> Northbound { get; } = new()
    {
        [NsoPortKind.Netconf] = null,
        [NsoPortKind.Cli] = null,
    };

    /// <summary>The ncs.conf template; null means the banded instance-templates/default beside the app host.</summary>
    public Materialize.NcsConfTemplate? Template { get; set; }

    /// <summary>The runtime directory; null means RUN_ROOT/NAME.</summary>
    public string? RunDirectory { get; set; }

    /// <summary>Package directories linked into the run directory's packages/.</summary>
    public List<string> Packages { get; } = [];

    /// <summary>The netsim networks of this instance's devices, in the order they were declared.</summary>
    public List<NetsimDeclaration> Netsim { get; } = [];

    /// <summary>The dashboard resource of each declared device, in ncs-netsim's order.</summary>
    public List<NetsimDeviceResource> DeviceResources { get; } = [];

    /// <summary>False wipes CDB, state and logs before every start, like <c>ncs-setup --reset</c>.</summary>
    public bool DataPersistence { get; set; } = true;

    /// <summary>Session: stopped with the app host. Persistent: left running, and adopted by the next app host.</summary>
    public Lifetime Lifetime { get; set; } = Lifetime.Session;

    /// <summary>The address the northbound interfaces (NETCONF, CLI, web UI) listen on.</summary>
    public string NorthboundAddress { get; set; } = LoopbackAddress;

    /// <summary>The longest wait for <c>ncs --wait-started</c> to succeed.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long <c>ncs --stop</c> may take before the daemon is killed.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The HA Raft cluster this instance is a node of; null for a stand-alone instance.</summary>
    public RaftMembership? Raft { get; set; }

    /// <summary>The ports the planner must provide: IPC when over TCP, and every enabled northbound listener.</summary>
    public Dictionary<NsoPortKind, int?> PortRequests()
    {
        var ports = new Dictionary<NsoPortKind, int?>(Northbound);
        if (Ipc is IpcDeclaration.Tcp tcp)
        {
            ports[NsoPortKind.Ipc] = tcp.Port;
        }

        if (Raft is not null)
        {
            ports[NsoPortKind.HaRaft] = null;
        }

        return ports;
    }
}

/// <summary>An instance's place in an HA Raft cluster: node <paramref name="Ordinal"/> (from 1) of <paramref name="Cluster"/>.</summary>
internal sealed record RaftMembership(NsoRaftClusterResource Cluster, int Ordinal);

/// <summary>The IPC access check: the secret comes from <paramref name="Secret"/>, or is generated when it is null.</summary>
internal sealed record AccessCheckDeclaration(ParameterResource? Secret);
