using System.Globalization;

namespace NsoDev.Hosting.Plan;

/// <summary>
/// Who may bind a low port on Linux: every process from <c>net.ipv4.ip_unprivileged_port_start</c> up
/// (1024 unless lowered; 0 in many containers), and below it only a process with CAP_NET_BIND_SERVICE
/// (root has it). Checking the name "root" would refuse a capable process and miss a lowered start.
/// </summary>
internal static class LowPorts
{
    private const string UnprivilegedStartFile = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
    private const int DefaultUnprivilegedStart = 1024;
    private const int NetBindServiceCapability = 10;

    /// <summary>Why this process cannot bind <paramref name="port"/>, or null when it can.</summary>
    public static string? Refusal(int port) =>
        OperatingSystem.IsLinux() ? Refusal(port, UnprivilegedStart(), Environment.IsPrivilegedProcess || HasNetBindService(ReadOrEmpty("/proc/self/status"))) : null;

    public static string? Refusal(int port, int unprivilegedStart, bool canBindAnyPort) =>
        port >= unprivilegedStart || canBindAnyPort
            ? null
            : $"is below {unprivilegedStart} (net.ipv4.ip_unprivileged_port_start), which this user may not bind. Choose a port from {unprivilegedStart} up, leave it out to have one planned, or give the AppHost CAP_NET_BIND_SERVICE.";

    /// <summary>Bit 10 of the effective capability set, the <c>CapEff:</c> line of <c>/proc/self/status</c>.</summary>
    public static bool HasNetBindService(string procStatus)
    {
        ArgumentNullException.ThrowIfNull(procStatus);
        var line = procStatus.Split('\n').FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var effective)
            && (effective & (1UL << NetBindServiceCapability)) != 0;
    }

    private static int UnprivilegedStart() =>
        int.TryParse(ReadOrEmpty(UnprivilegedStartFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : DefaultUnprivilegedStart;

    /// <summary>Empty where /proc is not mounted or not readable: then the defaults apply.</summary>
    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
