namespace NsoDev.Simulator.Configuration;

/// <summary><c>/ncs-config/logs/ncs-log</c>: where ncs.log goes.</summary>
/// <param name="Enabled"><c>ncs-log/enabled</c>; false silences the log everywhere.</param>
/// <param name="FileEnabled"><c>ncs-log/file/enabled</c>.</param>
/// <param name="FilePath"><c>ncs-log/file/name</c>, absolute.</param>
/// <param name="Stdout"><c>ncs-log/stdout/enabled</c>: echo each line to stdout, as <c>-v</c> does.</param>
internal sealed record NcsLogConf(bool Enabled, bool FileEnabled, string FilePath, bool Stdout)
{
    public bool WritesFile => Enabled && FileEnabled;

    public bool WritesStdout => Enabled && Stdout;
}
