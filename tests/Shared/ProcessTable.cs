using System.Globalization;

namespace NsoDev.Tests;

/// <summary>Shared by the test projects (linked, not referenced). The machine's processes as /proc shows them: pid and argv.</summary>
internal static class ProcessTable
{
    /// <summary>Every process but this one with an argument that contains <paramref name="text"/>; zombies (empty cmdline) are dead and not listed.</summary>
    public static IReadOnlyList<(int Pid, string[] Argv)> WithArgumentContaining(string text)
    {
        var found = new List<(int, string[])>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string[] argv;
            try
            {
                argv = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // It exited while we looked.
            }

            if (argv.Any(a => a.Contains(text, StringComparison.Ordinal)))
            {
                found.Add((pid, argv));
            }
        }

        return found;
    }

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
