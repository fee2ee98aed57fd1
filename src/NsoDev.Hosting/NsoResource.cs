using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Lifecycle;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A Cisco NSO instance (or the nso-sim simulator) run by the app host: its own IPC endpoint,
/// NETCONF-SSH and CLI-SSH ports, runtime directory and ncs.conf.
/// </summary>
/// <param name="name">The resource name; also the instance's directory name and part of its <c>sname</c>.</param>
public sealed class NsoResource(string name) : Resource(name), IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>The name of the IPC endpoint.</summary>
    public const string IpcEndpointName = "ipc";

    /// <summary>The name of the NETCONF-over-SSH endpoint.</summary>
    public const string NetconfEndpointName = "netconf";

    /// <summary>The name of the CLI-over-SSH endpoint.</summary>
    public const string CliEndpointName = "cli";

    private EndpointReference? _ipcEndpoint;

    /// <summary>The TCP IPC endpoint that clients reach through <c>NCS_IPC_ADDR</c> and <c>NCS_IPC_PORT</c>.</summary>
    public EndpointReference IpcEndpoint => _ipcEndpoint ??= new EndpointReference(this, IpcEndpointName);

    /// <summary>The <c>ncs</c> program that runs this instance (NSO's, or nso-sim); null until it has been located at start.</summary>
    public string? NcsExecutable => Engine?.Executable;

    /// <summary>The parameters the manifest refers to, set only when publishing.</summary>
    internal NsoPublishing Publishing { get; } = new();

    /// <summary>What the declaration asked for.</summary>
    internal NsoInstanceSettings Settings { get; } = new();

    /// <summary>The plan, set once before start in run mode.</summary>
    internal NsoInstancePlan? Plan { get; set; }

    /// <summary>The engine that runs the instance, known once it has been located.</summary>
    internal NcsEngine? Engine { get; set; }
}
