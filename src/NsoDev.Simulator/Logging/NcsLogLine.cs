using System.Globalization;

namespace NsoDev.Simulator.Logging;

internal enum NcsLogLevel
{
    Info,
    Warning,
    Error,
    Critical,
}

/// <summary>
/// One ncs.log line in NSO's shape, with nso-sim as the program name. Sample:
/// <c>&lt;INFO&gt; 26-Nov-2026::06:18:28.123 devbox nso-sim[4242]: - Started</c>.
/// </summary>
internal static class NcsLogLine
{
    public const string Program = "nso-sim";

    public static string Format(NcsLogLevel level, DateTimeOffset time, string host, int pid, string message) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"<{Tag(level)}> {time:dd-MMM-yyyy::HH:mm:ss.fff} {host} {Program}[{pid}]: - {message}");

    private static string Tag(NcsLogLevel level) => level switch
    {
        NcsLogLevel.Warning => "WARNING",
        NcsLogLevel.Error => "ERR",
        NcsLogLevel.Critical => "CRIT",
        _ => "INFO",
    };
}
