namespace NsoDev.Simulator.Ipc;

/// <summary>A connected client as log lines name it. Sample: <c>MAAPI client (id 7) from 127.0.0.1:41234</c>.</summary>
internal readonly record struct IpcClientKind(IpcClientId Id, string Peer)
{
    public string Name => Id switch
    {
        IpcClientId.DataProvider => "data provider",
        IpcClientId.Cli => "ncs_cli",
        IpcClientId.Cdb => "CDB client",
        IpcClientId.Maapi => "MAAPI client",
        IpcClientId.MaapiStream => "MAAPI stream client",
        IpcClientId.EventManager => "notifications client",
        IpcClientId.NetconfSubsystem => "NETCONF subsystem client",
        IpcClientId.Ha => "HA client",
        IpcClientId.Ncs => "NCS client",
        IpcClientId.SimControl => "nso-sim control client",
        _ => "client",
    };

    public override string ToString() => $"{Name} (id {(byte)Id}) from {Peer}";
}

/// <summary>
/// The WARNING for a client nso-sim admits but does not serve: what it is, and what works instead,
/// with this instance's real ports. Sample:
/// <c>MAAPI client (id 7) from 127.0.0.1:41234 sent a request: nso-sim does not simulate MAAPI, CDB or
/// data-provider requests, so it closed the connection. What works: ncs --status and the other control
/// commands, NETCONF over SSH on port 2022, the CLI over SSH on port 2024</c>.
/// </summary>
internal static class IpcUnservedClient
{
    public const string CliSsh = "cli-ssh";
    public const string NetconfSsh = "netconf-ssh";

    public static string Library(IpcClientKind client, string what, Func<string, int?> northboundPort) =>
        $"{client} {what}: nso-sim does not simulate MAAPI, CDB or data-provider requests, so it closed the connection. "
        + $"What works: ncs --status and the other control commands, {Netconf(northboundPort)}, {CliOverSsh(northboundPort)}";

    public static string Cli(IpcClientKind client, Func<string, int?> northboundPort) =>
        $"{client}: nso-sim does not simulate the CLI over IPC, so it closed the connection after the access check. Use {CliOverSsh(northboundPort)}";

    public static string NetconfSubsystem(IpcClientKind client, Func<string, int?> northboundPort) =>
        $"{client}: nso-sim does not simulate NETCONF over IPC, so it closed the connection after the access check. Use {Netconf(northboundPort)}";

    private static string CliOverSsh(Func<string, int?> northboundPort) => northboundPort(CliSsh) is { } port
        ? $"the CLI over SSH on port {port}"
        : "the CLI over SSH, which is off in ncs.conf (/ncs-config/cli/ssh/enabled)";

    private static string Netconf(Func<string, int?> northboundPort) => northboundPort(NetconfSsh) is { } port
        ? $"NETCONF over SSH on port {port}"
        : "NETCONF over SSH, which is off in ncs.conf (/ncs-config/netconf-north-bound/transport/ssh/enabled)";
}
