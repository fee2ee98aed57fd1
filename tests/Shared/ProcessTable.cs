using System.Globalization;

namespace NsoDev.Tests;

/// <summary>Shared by the test projects (linked, not referenced). The machine's processes as /proc shows them: pid, parent pid and argv.</summary>
internal static class ProcessTable
{
    /// <summary>
    /// Every process but this one: pid, parent pid and argv. One that exits while it is read is left out,
    /// and so is a zombie (empty cmdline): it is dead.
    /// </summary>
    public static IReadOnlyList<(int Pid, int Parent, string[] Argv)> All()
    {
        var found = new List<(int, int, string[])>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            int parent;
            string[] argv;
            try
            {
                // stat is "pid (comm) state ppid ...", and comm may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                argv = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // It exited while we looked.
            }

            if (argv.Length > 0)
            {
                found.Add((pid, parent, argv));
            }
        }

        return found;
    }

    /// <summary>Every process but this one with an argument that contains <paramref name="text"/>.</summary>
    public static IReadOnlyList<(int Pid, string[] Argv)> WithArgumentContaining(string text) =>
        [.. All().Where(p => p.Argv.Any(a => a.Contains(text, StringComparison.Ordinal))).Select(p => (p.Pid, p.Argv))];

    /// <summary>The nso-sim processes (daemons or commands) whose arguments name <paramref name="text"/>, such as a run root.</summary>
    public static IReadOnlyList<(int Pid, string[] Argv)> NsoSimWithArgumentContaining(string text) =>
        [.. WithArgumentContaining(text).Where(p => IsNsoSim(p.Argv))];

    /// <summary>nso-sim, whether run through the apphost or as <c>dotnet nso-sim.dll</c>.</summary>
    public static bool IsNsoSim(string[] argv) =>
        argv.Length > 0 && (Path.GetFileName(argv[0]) == "nso-sim" || argv.Any(a => Path.GetFileName(a) == "nso-sim.dll"));

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>SIGKILL to each that still runs; one that is gone already is skipped.</summary>
    public static async Task KillAsync(IEnumerable<(int Pid, string[] Argv)> processes)
    {
        foreach (var (pid, _) in processes)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Gone already.
            }
        }
    }

    public static string Describe(IEnumerable<(int Pid, string[] Argv)> processes) =>
        string.Join("; ", processes.Select(p => $"{p.Pid}: {string.Join(' ', p.Argv)}"));
}
