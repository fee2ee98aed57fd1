using System.Globalization;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Planning;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>Everything decided about one instance before it starts.</summary>
internal sealed record NsoInstancePlan(string Name, InstancePorts Ports, RunDirectory RunDirectory, string TemplatePath)
{
    public const string IpcAddress = "127.0.0.1";

    public int IpcPort => Ports[NsoPortKind.Ipc];

    /// <summary>The Erlang node name; several nodes on one host need distinct ones (NSO-FACTS section 2).</summary>
    public string Sname => "ncs_" + new string(Name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    /// <summary>The variables that point a client at this instance (NSO-FACTS section 2, seed page).</summary>
    public IReadOnlyDictionary<string, string> IpcEnvironment => new Dictionary<string, string>
    {
        ["NCS_IPC_ADDR"] = IpcAddress,
        ["NCS_IPC_PORT"] = IpcPort.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The environment of the control commands: the IPC variables, with NCS_IPC_PATH cleared because it would win.</summary>
    public IReadOnlyDictionary<string, string?> ControlEnvironment
    {
        get
        {
            var environment = IpcEnvironment.ToDictionary(e => e.Key, e => (string?)e.Value);
            environment["NCS_IPC_PATH"] = null;
            environment["NCS_IPC_ACCESS_FILE"] = null;
            return environment;
        }
    }
}
