
namespace Aspire.Hosting.ApplicationModel;

/// <summary>The names of the properties an NSO instance shows on the dashboard, for tools and tests that read its snapshot.</summary>
public static class NsoResourceProperties
{
    /// <summary>Which engine runs the instance (Cisco NSO, or nso-sim).</summary>
    public const string Engine = "nso.engine";

    /// <summary>The engine's NSO release.</summary>
    public const string Version = "nso.version";

    /// <summary>The <c>ncs</c> program.</summary>
    public const string Executable = "nso.executable";

    /// <summary>The IPC endpoint, as <c>tcp ADDRESS:PORT</c> or <c>local PATH</c>.</summary>
    public const string Ipc = "nso.ipc";

    /// <summary><c>on</c> or <c>off</c>.</summary>
    public const string AccessCheck = "nso.access-check";

    /// <summary>The instance's env.sh.</summary>
    public const string EnvScript = "nso.env-script";

    /// <summary>The Erlang node name.</summary>
    public const string Sname = "nso.sname";

    /// <summary>The runtime directory (logs/ncs.log is in it).</summary>
    public const string RunDirectory = "nso.run-directory";

    /// <summary>The generated ncs.conf.</summary>
    public const string NcsConf = "nso.ncs-conf";

    /// <summary><c>Session</c> (stopped with the app host) or <c>Persistent</c> (left running and adopted by the next one).</summary>
    public const string Lifetime = "nso.lifetime";

    /// <summary>The daemon's pid while it runs.</summary>
    public const string Pid = "nso.pid";

    /// <summary>Crash restarts so far.</summary>
    public const string Restarts = "nso.restarts";

    /// <summary>How many of the instance's netsim devices are in sync after <c>devices sync-from</c> (before that, how many are alive, as <c>ncs-netsim is-alive</c> tells).</summary>
    public const string Devices = "nso.devices";

    /// <summary>A netsim device's name in ncs-netsim and in the instance's <c>/devices/device</c>.</summary>
    public const string Device = "netsim.device";

    /// <summary>A netsim device's five ports: ipc, netconf, netconf-tcp, cli, snmp.</summary>
    public const string DevicePorts = "netsim.ports";

    /// <summary>The shell command that opens a netsim device's CLI.</summary>
    public const string DeviceCli = "netsim.cli";

    /// <summary>A netsim device's result of the instance's <c>devices sync-from</c>: <c>in sync</c>, or <c>not in sync: REASON</c>.</summary>
    public const string DeviceSync = "netsim.sync";

    /// <summary>A netsim device's NED package.</summary>
    public const string DevicePackage = "netsim.package";

    /// <summary>Why the instance failed to start.</summary>
    public const string Failure = "nso.failure";

    /// <summary>An HA Raft node's role: leader, follower, candidate, stalled; or stopped.</summary>
    public const string RaftRole = "nso.raft.role";

    /// <summary>An HA Raft node's member name, e.g. <c>ncsd1@127.0.0.1:20004</c>.</summary>
    public const string RaftNode = "nso.raft.node";

    /// <summary>An HA Raft cluster's leader: the node's resource and member name, or none.</summary>
    public const string RaftLeader = "nso.raft.leader";

    /// <summary>An HA Raft cluster's members: how many have joined, and which have not.</summary>
    public const string RaftMembers = "nso.raft.members";

    /// <summary>On an LSA deployment and its upper node: how many lower nodes the upper has in sync, e.g. <c>2 of 2 in sync</c>.</summary>
    public const string LsaRemoteNodes = "nso.lsa.remote-nodes";

    /// <summary>On an LSA lower node: its result on the upper, <c>in sync</c> or <c>not in sync: REASON</c>.</summary>
    public const string LsaSync = "nso.lsa.sync";
}
