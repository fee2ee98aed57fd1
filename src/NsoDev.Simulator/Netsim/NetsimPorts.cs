using System.Globalization;

namespace NsoDev.Simulator.Netsim;

/// <summary>
/// One device's five ports, or the bases a new network counts up from. ncs-netsim's bases are
/// 5010, 12022, 13022, 11022 and 10022, each overridden by its variable, and every device takes the
/// next port of each (NSO-NOTES §10).
/// </summary>
internal sealed record NetsimPorts(int Ipc, int NetconfSsh, int NetconfTcp, int Snmp, int CliSsh)
{
    public const string IpcVariable = "IPC_PORT";
    public const string NetconfSshVariable = "NETCONF_SSH_PORT";
    public const string NetconfTcpVariable = "NETCONF_TCP_PORT";
    public const string SnmpVariable = "SNMP_PORT";
    public const string CliSshVariable = "CLI_SSH_PORT";

    public static NetsimPorts Defaults { get; } = new(5010, 12022, 13022, 11022, 10022);

    /// <summary>The ports of the device <paramref name="offset"/> places after this one.</summary>
    public NetsimPorts Plus(int offset) => new(Ipc + offset, NetconfSsh + offset, NetconfTcp + offset, Snmp + offset, CliSsh + offset);

    public int Highest => Math.Max(Math.Max(Math.Max(Ipc, NetconfSsh), Math.Max(NetconfTcp, Snmp)), CliSsh);

    /// <summary>The bases for create-network: each variable when set, else ncs-netsim's default.</summary>
    /// <exception cref="NetsimException">A variable is not a port number (1..65535).</exception>
    public static NetsimPorts FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        return new NetsimPorts(
            Base(getVariable, IpcVariable, Defaults.Ipc),
            Base(getVariable, NetconfSshVariable, Defaults.NetconfSsh),
            Base(getVariable, NetconfTcpVariable, Defaults.NetconfTcp),
            Base(getVariable, SnmpVariable, Defaults.Snmp),
            Base(getVariable, CliSshVariable, Defaults.CliSsh));
    }

    /// <summary>The port <c>get-port</c> prints for a protocol word; ipc when none is given.</summary>
    public int For(string? protocol) => protocol switch
    {
        null or "ipc" => Ipc,
        "netconf" => NetconfSsh,
        "cli" => CliSsh,
        "snmp" => Snmp,
        _ => throw new NetsimException($"Unknown protocol '{protocol}'; get-port takes one of {string.Join(", ", NetsimCommandLine.Protocols)}"),
    };

    private static int Base(Func<string, string?> getVariable, string name, int fallback)
    {
        if (getVariable(name) is not { Length: > 0 } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new NetsimException($"{name}={text} is not a port number (1..65535); set {name} to the first port of the range to use, or unset it for {fallback}");
    }
}
