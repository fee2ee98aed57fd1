using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Raft;
using NsoDev.Hosting.Stop;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Plan;

/// <summary>
/// Everything decided about one instance before it starts. It is complete: no step after planning
/// reads the declaration again.
/// </summary>
internal sealed record NsoInstancePlan
{
    public required string Name { get; init; }

    /// <summary>Which engine to locate; its version picks the template's band once known.</summary>
    public required EngineChoice Engine { get; init; }

    public required NsoIpcEndpoint Ipc { get; init; }

    /// <summary>The planned TCP ports (IPC when over TCP, and each enabled northbound listener).</summary>
    public required InstancePorts Ports { get; init; }

    public required RunDirectory RunDirectory { get; init; }

    public required NcsConfTemplate Template { get; init; }

    /// <summary>The secret file, when the IPC access check is on.</summary>
    public string? AccessFile { get; init; }

    /// <summary>The secret's parameter; null generates a random secret.</summary>
    public ParameterResource? AccessSecret { get; init; }

    /// <summary>The address NETCONF, CLI and the web UI listen on.</summary>
    public required string NorthboundAddress { get; init; }

    public IReadOnlyList<string> Packages { get; init; } = [];

    /// <summary>The instance's netsim devices; null when it has none.</summary>
    public NetsimPlan? Netsim { get; init; }

    public bool DataPersistence { get; init; } = true;

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Session: stopped with the app host; Persistent: left running for the next one to adopt.</summary>
    public Lifetime Lifetime { get; init; } = Lifetime.Session;

    /// <summary>The instance's node in an HA Raft cluster; null for a stand-alone instance.</summary>
    public RaftNodePlan? Raft { get; init; }

    /// <summary>The daemon a persistent instance's earlier app host left running, to adopt at the first start; null otherwise.</summary>
    public LeftRunningDaemon? LeftRunning { get; init; }

    /// <summary>The Erlang node name; each instance gets its own, as NSO's multi-node examples do (NSO-NOTES §2).</summary>
    public string Sname => "ncs_" + new string(Name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    public bool AccessCheck => AccessFile is not null;

    /// <summary>The planned port of a listener, or null when it is off.</summary>
    public int? PortOf(NsoPortKind kind) => Ports.Ports.TryGetValue(kind, out var port) ? port : null;

    /// <summary>The variables that point a client at this instance, and only those that apply.</summary>
    public IReadOnlyDictionary<string, string> IpcEnvironment
    {
        get
        {
            var environment = Ipc switch
            {
                NsoIpcEndpoint.Tcp tcp => new Dictionary<string, string>
                {
                    [NcsIpcVariables.Address] = tcp.Address,
                    [NcsIpcVariables.Port] = tcp.Port.ToString(CultureInfo.InvariantCulture),
                },
                NsoIpcEndpoint.UnixSocket unix => new Dictionary<string, string> { [NcsIpcVariables.Path] = unix.Path },
                _ => throw new InvalidOperationException($"Unknown IPC endpoint {Ipc}."),
            };
            if (AccessFile is not null)
            {
                environment[NcsIpcVariables.AccessFile] = AccessFile;
            }

            return environment;
        }
    }

    /// <summary>
    /// The environment of NSO's own processes (daemon and control commands): the IPC variables that
    /// apply, and every other one cleared, so a value inherited from the user's shell cannot win
    /// (<c>CONFD_IPC_ACCESS_FILE</c> is cleared too, since clients read it first).
    /// </summary>
    public IReadOnlyDictionary<string, string?> ControlEnvironment
    {
        get
        {
            var environment = NcsIpcVariables.All.ToDictionary(v => v, _ => (string?)null);
            foreach (var (name, value) in IpcEnvironment)
            {
                environment[name] = value;
            }

            return environment;
        }
    }
}
