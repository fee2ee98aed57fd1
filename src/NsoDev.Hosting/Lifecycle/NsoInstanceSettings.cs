using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Planning;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>What a declaration asked of one instance; the planner and the runner read it.</summary>
internal sealed class NsoInstanceSettings
{
    public EngineChoice Engine { get; set; } = new EngineChoice.Automatic();

    public IpcSettings Ipc { get; set; } = new IpcSettings.Tcp(null, NsoInstancePlan.LoopbackAddress);

    /// <summary>True once the IPC mode was chosen explicitly; a second, different choice is an error.</summary>
    public bool IpcChosen { get; set; }

    /// <summary>Set when the IPC access check is on: the secret, from a parameter, or generated when null.</summary>
    public AccessCheckSettings? AccessCheck { get; set; }

    /// <summary>Northbound listeners: enabled, with an optional explicit port.</summary>
    public Dictionary<NsoPortKind, int?> Northbound { get; } = new()
    {
        [NsoPortKind.Netconf] = null,
        [NsoPortKind.Cli] = null,
    };

    /// <summary>The ncs.conf template; null means the banded instance-templates/default beside the app host.</summary>
    public NcsConfTemplate? Template { get; set; }

    /// <summary>The runtime directory; null means .nso/NAME under the app host's directory.</summary>
    public string? RunDirectory { get; set; }

    /// <summary>Package directories linked into the run directory's packages/.</summary>
    public List<string> Packages { get; } = [];

    /// <summary>False wipes CDB, state and logs before every start, like <c>ncs-setup --reset</c>.</summary>
    public bool DataPersistence { get; set; } = true;

    /// <summary>The address the northbound interfaces (NETCONF, CLI, web UI) listen on.</summary>
    public string NorthboundAddress { get; set; } = NsoInstancePlan.LoopbackAddress;

    /// <summary>The longest wait for <c>ncs --wait-started</c> to succeed.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long <c>ncs --stop</c> may take before the daemon is killed.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The ports the planner must provide: IPC when over TCP, and every enabled northbound listener.</summary>
    public Dictionary<NsoPortKind, int?> PortRequests()
    {
        var ports = new Dictionary<NsoPortKind, int?>(Northbound);
        if (Ipc is IpcSettings.Tcp tcp)
        {
            ports[NsoPortKind.Ipc] = tcp.Port;
        }

        return ports;
    }
}

/// <summary>The IPC access check: the secret comes from <paramref name="Secret"/>, or is generated when it is null.</summary>
internal sealed record AccessCheckSettings(ParameterResource? Secret);

/// <summary>The parameters an instance's manifest entry refers to.</summary>
internal sealed class NsoPublishing
{
    public ParameterResource? Image { get; set; }

    public ParameterResource? AdminPassword { get; set; }
}
