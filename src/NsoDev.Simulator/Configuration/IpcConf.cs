namespace NsoDev.Simulator.Configuration;

/// <summary><c>/ncs-config/ncs-local-ipc</c> (from NSO 6.4): IPC over a Unix socket instead of TCP.</summary>
/// <param name="Enabled">False by default in 6.4 to 6.6, true in 6.7 (docs/NSO-NOTES.md §1).</param>
/// <param name="Path">The socket file, absolute; <c>/tmp/nso/nso-ipc</c> by default.</param>
internal sealed record LocalIpcConf(bool Enabled, string Path)
{
    public const string DefaultPath = "/tmp/nso/nso-ipc";
}

/// <summary><c>/ncs-config/ncs-ipc-access-check</c>: the shared-secret challenge on IPC (NSO-NOTES §4).</summary>
/// <param name="Enabled">False by default.</param>
/// <param name="FileName">The secret file, absolute; required when the container is given.</param>
internal sealed record IpcAccessCheckConf(bool Enabled, string? FileName)
{
    public static IpcAccessCheckConf Off { get; } = new(false, null);
}
