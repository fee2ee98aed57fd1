using NsoDev.Hosting.Reference;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A Cisco NSO instance (or the nso-sim simulator) run by the app host: its own IPC endpoint,
/// NETCONF-SSH and CLI-SSH ports, runtime directory and ncs.conf. Its connection string names its IPC
/// endpoint (<c>Host=...;Port=...</c> or <c>Path=...</c>, then <c>AccessFile</c> and <c>Release</c>),
/// so one client can reference several instances.
/// </summary>
/// <param name="name">The resource name; also the instance's directory name and part of its <c>sname</c>.</param>
public sealed class NsoResource(string name) : Resource(name), IResourceWithEndpoints, IResourceWithWaitSupport, IResourceWithConnectionString
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

    /// <summary>The IPC endpoint as a connection string: <c>Host=127.0.0.1;Port=4569;Release=6.5</c>, or <c>Path=...</c> for a Unix socket, with <c>AccessFile=...</c> when the access check is on.</summary>
    public ReferenceExpression ConnectionStringExpression => NsoConnection.ConnectionString(this);

    /// <summary>Host and Port, or Path; AccessFile, Release and Uri: each also reaches a dependent as <c>NAME_PROPERTY</c>.</summary>
    /// <returns>The properties that apply to this instance.</returns>
    public IEnumerable<KeyValuePair<string, ReferenceExpression>> GetConnectionProperties() => NsoConnection.Properties(this);
}
