using System.Globalization;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Planning;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>Everything decided about one instance before it starts.</summary>
/// <param name="Name">The resource name.</param>
/// <param name="Ipc">The planned IPC endpoint.</param>
/// <param name="Ports">The planned TCP ports (IPC when over TCP, and each enabled northbound listener).</param>
/// <param name="RunDirectory">The runtime directory.</param>
/// <param name="Template">The ncs.conf template; its band is chosen once the engine's version is known.</param>
/// <param name="AccessFile">The secret file, when the IPC access check is on.</param>
internal sealed record NsoInstancePlan(string Name, NsoIpcEndpoint Ipc, InstancePorts Ports, RunDirectory RunDirectory, NcsConfTemplate Template, string? AccessFile)
{
    public const string LoopbackAddress = "127.0.0.1";

    /// <summary>The variables NSO's clients read (NSO-NOTES §3); <c>CONFD_IPC_ACCESS_FILE</c> is cleared since clients read it first.</summary>
    private static readonly IReadOnlyList<string> ClientVariables = NcsIpcVariables.All;

    /// <summary>The Erlang node name; each instance gets its own, as NSO's multi-node examples do (NSO-NOTES §2).</summary>
    public string Sname => "ncs_" + new string(Name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    public bool AccessCheck => AccessFile is not null;

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
    /// apply, and every other one cleared, so a value inherited from the user's shell cannot win.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ControlEnvironment
    {
        get
        {
            var environment = ClientVariables.ToDictionary(v => v, _ => (string?)null);
            foreach (var (name, value) in IpcEnvironment)
            {
                environment[name] = value;
            }

            return environment;
        }
    }
}
