namespace NsoDev.Simulator.Configuration;

/// <summary>One log under <c>/ncs-config/logs</c>, such as <c>ncs-log</c>: where it goes.</summary>
/// <param name="Enabled"><c>enabled</c>; false silences the log everywhere.</param>
/// <param name="FileEnabled"><c>file/enabled</c>.</param>
/// <param name="FilePath"><c>file/name</c>, absolute.</param>
/// <param name="ConfPath">Where ncs.conf sets it, such as <c>logs/audit-log</c>; errors name this.</param>
internal sealed record NcsLogConf(bool Enabled, bool FileEnabled, string FilePath, string ConfPath = "logs/ncs-log")
{
    public bool WritesFile => Enabled && FileEnabled;
}

/// <summary>
/// The logs nso-sim writes (docs/NSO-NOTES.md §1): ncs.log, devel.log (<c>logs/developer-log</c>),
/// audit.log (<c>logs/audit-log</c>) and netconf.log (<c>logs/netconf-log</c>).
/// </summary>
internal sealed record NcsLogsConf(NcsLogConf Ncs, NcsLogConf Devel, NcsLogConf Audit, NcsLogConf Netconf)
{
    public IReadOnlyList<NcsLogConf> All => [Ncs, Devel, Audit, Netconf];
}
