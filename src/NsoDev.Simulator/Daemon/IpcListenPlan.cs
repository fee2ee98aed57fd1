using System.Net;
using NsoDev.Ipc;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// Where the daemon listens for IPC: TCP on <c>ncs-ipc-address</c> plus each
/// <c>ncs-ipc-extra-listen-ip</c>, or one Unix socket. NSO-NOTES §1 decides, by version:
/// <list type="bullet">
/// <item>ncs.conf alone up to 6.4: <c>ncs-local-ipc/enabled</c> picks the Unix socket (TCP is then off);</item>
/// <item>6.5 and 6.6: <c>NCS_IPC_PATH</c> in the daemon's environment overrides ncs.conf;</item>
/// <item>6.7: <c>NCS_IPC_PATH</c> picks local IPC, else <c>NCS_IPC_PORT</c> picks TCP (on
/// <c>NCS_IPC_ADDR</c>, else the ncs.conf address; inferred), whatever ncs.conf says.</item>
/// </list>
/// </summary>
/// <param name="Tcp">The TCP addresses; empty with local IPC.</param>
/// <param name="Local">The Unix socket, or null for TCP IPC.</param>
/// <param name="LocalSource">What named the socket: <c>ncs-local-ipc</c> or <c>NCS_IPC_PATH</c>.</param>
internal sealed record IpcListenPlan(IReadOnlyList<ListenerConf> Tcp, LocalIpcEndpoint? Local, string LocalSource)
{
    public static NsoVersion EnvironmentOverridesFrom { get; } = NsoVersion.Parse("6.5");

    /// <exception cref="NcsConfException">An <c>NCS_IPC_*</c> variable holds something unusable.</exception>
    public static IpcListenPlan Resolve(NcsConf conf, NsoVersion version, Func<string, string?> getVariable)
    {
        try
        {
            if (version >= EnvironmentOverridesFrom && NcsIpcEnvironment.LocalPath(getVariable) is { } path)
            {
                return new IpcListenPlan([], new LocalIpcEndpoint(path), NcsIpcEnvironment.PathVariable);
            }

            if (version.Release >= NsoRelease.LocalIpcOnByDefault && NcsIpcEnvironment.Port(getVariable) is { } port)
            {
                var address = NcsIpcEnvironment.Address(getVariable) ?? conf.Ipc.Address;
                return TcpPlan(conf, new ListenerConf("ipc", NcsIpcEnvironment.PortVariable, true, address, port), port);
            }
        }
        catch (FormatException e)
        {
            throw new NcsConfException($"the daemon's environment: {e.Message}", e);
        }

        return conf.LocalIpc.Enabled
            ? new IpcListenPlan([], new LocalIpcEndpoint(conf.LocalIpc.Path), "ncs-local-ipc")
            : TcpPlan(conf, conf.Ipc, conf.Ipc.Port);
    }

    private static IpcListenPlan TcpPlan(NcsConf conf, ListenerConf main, int port) =>
        new(
            [main, .. conf.IpcExtraListen.Select(ip => new ListenerConf("ipc", "ncs-ipc-extra-listen-ip", true, ip, port))],
            null,
            string.Empty);

    /// <summary>For <c>--status</c> and logs: <c>tcp 127.0.0.1:4569</c> or <c>local /tmp/nso/nso-ipc</c>.</summary>
    public override string ToString() =>
        Local?.ToString() ?? string.Join(", ", Tcp.Select(l => new TcpIpcEndpoint(new IPEndPoint(l.Address, l.Port)).ToString()));
}
