using System.Net;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// The part of ncs.conf (with its <c>ncs.conf.d</c> fragments) that nso-sim acts on (NSO-NOTES
/// §1). Other known elements are checked and then ignored. Paths are absolute, resolved
/// against the run directory.
/// </summary>
internal sealed record NcsConf(
    string SourcePath,
    ListenerConf Ipc,
    IReadOnlyList<IPAddress> IpcExtraListen,
    LocalIpcConf LocalIpc,
    IpcAccessCheckConf AccessCheck,
    ListenerConf NetconfSsh,
    ListenerConf NetconfTcp,
    ListenerConf CliSsh,
    ListenerConf Webui,
    IReadOnlyList<string> LoadPath,
    string StateDir,
    string CdbDbDir,
    string? SshServerKeyDir,
    NcsLogsConf Logs)
{
    /// <summary>TCP IPC first: it is the listener clients use to see the other ones.</summary>
    public IReadOnlyList<ListenerConf> Listeners => [Ipc, .. Northbound];

    /// <summary>NETCONF, CLI and web UI: what users connect to.</summary>
    public IReadOnlyList<ListenerConf> Northbound => [NetconfSsh, NetconfTcp, CliSsh, Webui];

    public NcsLogConf NcsLog => Logs.Ncs;

    /// <summary>cdb/init-path: directories searched for init files before db-dir (NSO-NOTES §5).</summary>
    public IReadOnlyList<string> CdbInitPath { get; init; } = [];

    /// <summary><c>/ncs-config/ha-raft</c> when it is enabled; null otherwise (NSO-NOTES §17).</summary>
    public HaRaft.RaftConf? HaRaft { get; init; }

    /// <summary>The <c>ha-primary-listen</c> endpoints, bound only while this node leads its HA Raft cluster.</summary>
    public IReadOnlyList<ListenerConf> HaPrimaryListen { get; init; } = [];
}
