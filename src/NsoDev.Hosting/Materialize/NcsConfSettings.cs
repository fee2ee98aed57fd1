using NsoDev.Hosting.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Materialize;

/// <summary>A northbound listener: NETCONF over SSH, CLI over SSH or the web UI.</summary>
internal sealed record ListenerSettings(bool Enabled, string Address, int Port);

/// <summary>The per-instance leaves that <see cref="NcsConfWriter"/> sets; everything else comes from the template.</summary>
internal sealed record NcsConfSettings
{
    public required NsoRelease Version { get; init; }

    public required NsoIpcEndpoint Ipc { get; init; }

    /// <summary>The secret file when the IPC access check is on; null turns the check off.</summary>
    public string? AccessFile { get; init; }

    public required ListenerSettings Netconf { get; init; }

    public required ListenerSettings Cli { get; init; }

    public required ListenerSettings WebUi { get; init; }

    /// <summary>Directory of the SSH host keys, relative to the run directory.</summary>
    public string SshServerKeyDir { get; init; } = "./ssh";

    /// <summary>The instance as an HA Raft node: its <c>ha-raft</c> section and leader endpoints; null for none.</summary>
    public RaftNode? Raft { get; init; }
}
