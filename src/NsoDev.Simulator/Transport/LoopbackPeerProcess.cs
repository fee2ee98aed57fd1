using System.Globalization;
using System.Net;

namespace NsoDev.Simulator.Transport;

/// <summary>
/// Which local process holds the other end of a loopback TCP connection, from Linux's /proc: the
/// socket whose local address is the peer's endpoint (/proc/net/tcp), then the process with that
/// socket open. For a log line that says who stopped the daemon; "unknown" wherever /proc cannot tell.
/// </summary>
internal static class LoopbackPeerProcess
{
    public static string Describe(string peer)
    {
        if (!OperatingSystem.IsLinux() || !IPEndPoint.TryParse(peer, out var endpoint) || !IPAddress.IsLoopback(endpoint.Address))
        {
            return "unknown";
        }

        try
        {
            return Inode(endpoint) is { } inode && Owner(inode) is { } pid
                ? $"pid {pid} ({CommandLine(pid)})"
                : "unknown";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    // Lines of /proc/net/tcp and tcp6: "sl local_address rem_address st ... uid timeout inode"; the
    // local address is hex, port last (":B26E").
    private static string? Inode(IPEndPoint endpoint)
    {
        var port = ":" + endpoint.Port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[1].EndsWith(port, StringComparison.Ordinal) && fields[9] != "0")
                {
                    return fields[9];
                }
            }
        }

        return null;
    }

    private static int? Owner(string inode)
    {
        var target = $"socket:[{inode}]";
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")).Any(fd => new FileInfo(fd).LinkTarget == target))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return null;
    }

    private static string CommandLine(int pid) =>
        File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
}
