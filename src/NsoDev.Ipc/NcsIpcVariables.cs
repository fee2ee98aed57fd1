namespace NsoDev.Ipc;

/// <summary>
/// The environment variables NSO's client libraries and tools read to find the daemon (NSO-NOTES §3):
/// <see cref="Path"/> wins over <see cref="Address"/> and <see cref="Port"/>; <see cref="ConfdAccessFile"/>
/// is read before <see cref="AccessFile"/>. Unset and empty mean the same.
/// </summary>
public static class NcsIpcVariables
{
    /// <summary>The daemon's IPC address.</summary>
    public const string Address = "NCS_IPC_ADDR";

    /// <summary>The daemon's IPC port.</summary>
    public const string Port = "NCS_IPC_PORT";

    /// <summary>The daemon's Unix socket (NSO 6.4 and later).</summary>
    public const string Path = "NCS_IPC_PATH";

    /// <summary>The access check's secret file.</summary>
    public const string AccessFile = "NCS_IPC_ACCESS_FILE";

    /// <summary>ConfD's name for the secret file; the libraries read it first.</summary>
    public const string ConfdAccessFile = "CONFD_IPC_ACCESS_FILE";

    /// <summary>NSO's IPC address when <see cref="Address"/> is unset.</summary>
    public const string DefaultAddress = "127.0.0.1";

    /// <summary>NSO's IPC port when <see cref="Port"/> is unset.</summary>
    public const int DefaultPort = 4569;

    /// <summary>Every variable here, so a process can clear the ones that do not apply.</summary>
    public static IReadOnlyList<string> All { get; } = [Address, Port, Path, AccessFile, ConfdAccessFile];
}
