namespace NsoDev.Testing.Tests.SideBySide;

/// <summary>The machine's processes as /proc shows them: pid and argv.</summary>
internal static class ProcessTable
{
    /// <summary>Every process with an argument that contains <paramref name="text"/>; zombies (empty cmdline) are dead and not listed.</summary>
    public static IReadOnlyList<(int Pid, string[] Argv)> WithArgumentContaining(string text)
    {
        var found = new List<(int, string[])>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
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

    /// <summary>nso-sim daemons, whether run through the apphost or as <c>dotnet nso-sim.dll</c>.</summary>
    public static bool IsNsoSim(string[] argv) =>
        argv.Length > 0 && (Path.GetFileName(argv[0]) == "nso-sim" || argv.Any(a => Path.GetFileName(a) == "nso-sim.dll"));

    public static string Describe(IEnumerable<(int Pid, string[] Argv)> processes) =>
        string.Join("; ", processes.Select(p => $"{p.Pid}: {string.Join(' ', p.Argv)}"));
}
