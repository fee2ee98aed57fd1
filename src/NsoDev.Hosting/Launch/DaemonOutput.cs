using Microsoft.Extensions.Logging;

namespace NsoDev.Hosting.Launch;

/// <summary>The level of a daemon's output line in the resource's log.</summary>
internal static class DaemonOutput
{
    /// <summary>NSO's log lines start with their level, e.g. "&lt;ERR&gt; 26-Nov-2026::06:18:28.123 host ncs[42]: - ..."; stderr is an error.</summary>
    public static LogLevel LevelOf(OutputLine line) =>
        line.IsError || line.Text.StartsWith("<ERR>", StringComparison.Ordinal) || line.Text.StartsWith("<CRIT>", StringComparison.Ordinal) ? LogLevel.Error
        : line.Text.StartsWith("<WARNING>", StringComparison.Ordinal) ? LogLevel.Warning
        : line.Text.StartsWith("<DEBUG>", StringComparison.Ordinal) ? LogLevel.Debug
        : LogLevel.Information;
}
