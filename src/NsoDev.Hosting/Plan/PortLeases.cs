using System.Diagnostics;
using System.Globalization;

namespace NsoDev.Hosting.Plan;

/// <summary>
/// Ports planned by NsoDev app hosts that run on this machine, one file per app host in a per-user
/// directory. A plan is made under an exclusive lock, so two app hosts that start together cannot
/// choose the same port before either has bound it. A lease whose process has died is ignored and removed.
/// </summary>
internal sealed class PortLeases(string directory)
{
    private const string LockFileName = ".lock";
    private const string Extension = ".lease";

    public static PortLeases ForCurrentUser() => new(Path.Combine(UserRuntimeDirectory.Root, "leases"));

    public string Directory { get; } = directory;

    /// <summary>Runs <paramref name="plan"/> with the ports other live app hosts hold, and records what it returns.</summary>
    public PortLease Plan(Func<IReadOnlySet<int>, IEnumerable<int>> plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        UserRuntimeDirectory.CreatePrivate(Directory);
        using var exclusive = AcquireLock();
        var leased = ReadLiveLeases();
        var ports = plan(leased).ToArray();
        var file = Path.Combine(Directory, $"{Environment.ProcessId}-{Guid.NewGuid():N}{Extension}");
        File.WriteAllLines(file, ports.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        return new PortLease(file, ports);
    }

    internal HashSet<int> ReadLiveLeases()
    {
        var leased = new HashSet<int>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            if (!IsOwnerAlive(file))
            {
                TryDelete(file);
                continue;
            }

            foreach (var line in ReadLinesOrEmpty(file))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    leased.Add(port);
                }
            }
        }

        return leased;
    }

    private FileStream AcquireLock()
    {
        var path = Path.Combine(Directory, LockFileName);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    private static bool IsOwnerAlive(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string[] ReadLinesOrEmpty(string file)
    {
        try
        {
            return File.ReadAllLines(file);
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Another app host removed it first.
        }
    }
}

/// <summary>The ports one app host holds; disposing frees them.</summary>
internal sealed class PortLease(string file, IReadOnlyList<int> ports) : IDisposable
{
    public IReadOnlyList<int> Ports { get; } = ports;

    public void Dispose()
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Already gone; a stale lease would be removed by the next planner anyway.
        }
    }
}
