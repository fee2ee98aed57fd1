using System.Globalization;

namespace NsoDev.Testing.Tests.SideBySide;

/// <summary>
/// The per-user lease directory the planner writes to (README "Port plan"; src/NsoDev.Hosting/Planning):
/// <c>$XDG_RUNTIME_DIR/nsodev/leases</c>, else <c>/tmp/nsodev-$USER/leases</c>; one <c>PID-GUID.lease</c>
/// file per app host, one port a line.
/// </summary>
internal static class LeaseDirectory
{
    public static string Path
    {
        get
        {
            var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            var root = !string.IsNullOrEmpty(runtime) && Directory.Exists(runtime)
                ? System.IO.Path.Combine(runtime, "nsodev")
                : System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nsodev-{Environment.UserName}");
            return System.IO.Path.Combine(root, "leases");
        }
    }

    /// <summary>This process's leases (several environments in one test process each write their own), with their ports.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<int>> OfThisProcess()
    {
        var leases = new Dictionary<string, IReadOnlySet<int>>(StringComparer.Ordinal);
        if (!Directory.Exists(Path))
        {
            return leases;
        }

        foreach (var file in Directory.EnumerateFiles(Path, $"{Environment.ProcessId}-*.lease"))
        {
            try
            {
                // Another environment of this process may be writing its lease right now: skip what is not a port yet.
                leases[file] = File.ReadAllLines(file)
                    .Select(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : -1)
                    .Where(p => p > 0)
                    .ToHashSet();
            }
            catch (FileNotFoundException)
            {
                // Freed while we looked.
            }
        }

        return leases;
    }
}
