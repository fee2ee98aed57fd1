using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

/// <summary>What the AppHost benches share: stopping the AppHost as a script does, its instances' ports, and the figures' statistics.</summary>
internal static class BenchAppHost
{
    /// <summary>`dotnet run` of the prebuilt AppHost without its launch profile, the dashboard on free loopback ports; its output goes to <paramref name="log"/>.</summary>
    public static Process Run(string configuration, IEnumerable<string> appHostArguments, StringBuilder log)
    {
        var ports = FreePorts.Take(2);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["run", "--project", Path.Combine(RepositoryRoot.Path, "AppHost"), "-c", configuration, "--no-build", "--no-launch-profile", "--", .. appHostArguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ports[0]}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{ports[1]}";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static bool Contains(StringBuilder log, string text)
    {
        lock (log)
        {
            return log.ToString().Contains(text, StringComparison.Ordinal);
        }
    }

    /// <summary>The AppHost, not `dotnet run`: SIGTERM to the program dotnet run started, as a script stops it.</summary>
    public static void Signal(int dotnetRun)
    {
        foreach (var child in Children(dotnetRun))
        {
            Process.Start("kill", ["-TERM", child.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        }
    }

    /// <summary>An instance's planned NETCONF port from its nsodev.json; null until the plan is written.</summary>
    public static int? NetconfPort(string root, string instance)
    {
        try
        {
            using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, instance, "nsodev.json")));
            return state.RootElement.GetProperty("Ports").TryGetProperty("netconf", out var port) ? port.GetInt32() : null;
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static string Stat(List<double> values) =>
        string.Create(CultureInfo.InvariantCulture, $"{Median(values):0.00} [{values.Min():0.00}–{values.Max():0.00}]");

    private static IEnumerable<int> Children(int parent) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!, CultureInfo.InvariantCulture))
            .Where(pid => ParentOf(pid) == parent);

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
