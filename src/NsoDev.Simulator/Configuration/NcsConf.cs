namespace NsoDev.Simulator.Configuration;

/// <summary>
/// The part of ncs.conf that nso-sim acts on (NSO-FACTS section 1). Every other element of the
/// file is accepted and ignored in this cut. Paths are absolute, resolved against the run directory.
/// </summary>
internal sealed record NcsConf(
    string SourcePath,
    ListenerConf Ipc,
    ListenerConf NetconfSsh,
    ListenerConf NetconfTcp,
    ListenerConf CliSsh,
    ListenerConf Webui,
    IReadOnlyList<string> LoadPath,
    string StateDir,
    string CdbDbDir,
    NcsLogConf NcsLog)
{
    /// <summary>IPC first: it is the listener clients use to see the other ones.</summary>
    public IReadOnlyList<ListenerConf> Listeners => [Ipc, NetconfSsh, NetconfTcp, CliSsh, Webui];
}
