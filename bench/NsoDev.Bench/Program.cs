// Benchmarks of NsoDev on the simulator. One command: `bench/run` (see BENCHMARKS.md).
// Every figure is measured in one run, against a baseline from the same run, because these
// machines are noisy: report ratios, medians and spreads, never single timings.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aspire.Hosting.Testing;

var counts = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [1, 4, 8, 16];
var repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var output = args.Length > 2 ? args[2] : null;

var rows = new List<string>();
foreach (var count in counts)
{
    var orchestrated = new List<double>();
    var fromStarting = new List<double>();
    var sequential = new List<double>();
    var stops = new List<double>();
    var rss = new List<double>();
    for (var run = 0; run < repeats; run++)
    {
        var root = Directory.CreateTempSubdirectory("nsodev-bench-").FullName;
        try
        {
            // A first run generates each instance's SSH host keys; the measured run is the next one,
            // as a developer's daily `dotnet run` is.
            await TimeAppHostAsync(count, root);
            var (healthy, nsoPart, stop, rssMb, confs) = await TimeAppHostAsync(count, root);
            orchestrated.Add(healthy);
            fromStarting.Add(nsoPart);
            stops.Add(stop);
            rss.AddRange(rssMb);
            sequential.Add(await TimeSequentialAsync(confs));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    var ratio = Median(orchestrated) / Median(sequential);
    var nsoRatio = Median(fromStarting) / Median(sequential);
    rows.Add($"| {count} | {Stat(orchestrated)} | {Stat(fromStarting)} | {Stat(sequential)} | {ratio:F2} | {nsoRatio:F2} | {Stat(stops)} | {Stat(rss, "F1")} |");
    Console.WriteLine(rows[^1]);
}

var table = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {repeats} runs per row; median (min-max).")
    .AppendLine()
    .AppendLine("| N | AppHost start to all healthy, s | first Starting to all healthy, s | sequential baseline, s | ratio (AppHost / baseline) | ratio (from Starting / baseline) | stop to all gone, s | RSS per nso-sim, MB |")
    .AppendLine("|---|---|---|---|---|---|---|---|");
rows.ForEach(r => table.AppendLine(r));
Console.WriteLine(table);
if (output is not null)
{
    await File.WriteAllTextAsync(output, table.ToString());
}

return 0;

// The AppHost with N instances: from StartAsync to every instance healthy, then from StopAsync
// to no nso-sim process of this run left.
static async Task<(double Healthy, double FromStarting, double Stop, List<double> RssMb, List<string> Confs)> TimeAppHostAsync(int count, string root)
{
    using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
    var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [$"--Nso:Count={count}", $"--Nso:RunRoot={root}", "--Logging:LogLevel:Default=Warning", "--Nso:Clients=false"], (options, _) => options.DisableDashboard = true, cts.Token);
    var names = Enumerable.Range(1, count).Select(i => $"nso-{i}").ToList();
    await using var app = await builder.BuildAsync(cts.Token);

    // Watch before starting: StartAsync itself returns only after Aspire's own start-up work.
    var clock = Stopwatch.StartNew();
    var allHealthy = Task.WhenAll(names.Select(n => app.ResourceNotifications.WaitForResourceHealthyAsync(n, cts.Token)));
    var starting = app.StartAsync(cts.Token);
    await allHealthy;
    var healthy = clock.Elapsed.TotalSeconds;
    var allHealthyAt = DateTime.UtcNow;
    var firstStarting = names.Min(n => app.ResourceNotifications.TryGetCurrentState(n, out var e) ? e.Snapshot.StartTimeStamp ?? allHealthyAt : allHealthyAt);
    var nsoPart = (allHealthyAt - firstStarting).TotalSeconds;
    await starting;

    var pids = SimulatorPids(root);
    var rss = pids.Select(ResidentMegabytes).ToList();

    clock.Restart();
    await app.StopAsync(cts.Token);
    while (pids.Any(IsAlive))
    {
        await Task.Delay(10, cts.Token);
    }

    var stop = clock.Elapsed.TotalSeconds;
    return (healthy, nsoPart, stop, rss, names.Select(n => Path.Combine(root, n)).ToList());
}

// The baseline: the same daemons started one after another by hand, each followed by
// `--wait-started`, as a Makefile would do it.
static async Task<double> TimeSequentialAsync(List<string> runDirectories)
{
    var daemons = new List<NsoSimProcess>();
    try
    {
        var clock = Stopwatch.StartNew();
        foreach (var dir in runDirectories)
        {
            var env = File.ReadAllLines(Path.Combine(dir, "env.sh"))
                .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
                .Select(l => l["export ".Length..].Split('=', 2))
                .ToDictionary(p => p[0], p => p[1].Trim('\''));
            MoveToFreshPorts(dir, env);

            // NCS_DIR as NsoDev gives it to nso-sim: the stock template refers to ${NCS_DIR}.
            var daemon = NsoSimProcess.Start(["--cd", dir, "-c", Path.Combine(dir, "ncs.conf"), "--foreground", "--stop-on-eof"], new Dictionary<string, string> { ["NCS_DIR"] = AppContext.BaseDirectory });
            daemons.Add(daemon);
            var wait = await NsoSimProcess.RunAsync(["--wait-started", "10"], env);
            if (wait.ExitCode != 0)
            {
                throw new InvalidOperationException($"baseline: {dir} did not start: {wait.Stderr} daemon: {daemon.Stderr}");
            }
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        foreach (var daemon in daemons)
        {
            daemon.CloseStandardInput();
            await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        return elapsed;
    }
    finally
    {
        foreach (var daemon in daemons)
        {
            await daemon.DisposeAsync();
        }
    }
}

// The AppHost's ports may be taken by the time the baseline runs (other app hosts on a shared
// machine), so each baseline daemon gets fresh free ports; the work it does is the same.
static void MoveToFreshPorts(string dir, Dictionary<string, string> env)
{
    System.Xml.Linq.XNamespace ns = "http://tail-f.com/yang/tailf-ncs-config";
    var path = Path.Combine(dir, "ncs.conf");
    var conf = System.Xml.Linq.XDocument.Load(path);
    var root = conf.Root!;
    var ports = FreePorts.Take(3);
    if (env.ContainsKey("NCS_IPC_PORT"))
    {
        root.Element(ns + "ncs-ipc-address")!.Element(ns + "port")!.Value = ports[0].ToString(CultureInfo.InvariantCulture);
        env["NCS_IPC_PORT"] = ports[0].ToString(CultureInfo.InvariantCulture);
    }

    root.Element(ns + "netconf-north-bound")!.Element(ns + "transport")!.Element(ns + "ssh")!.Element(ns + "port")!.Value = ports[1].ToString(CultureInfo.InvariantCulture);
    root.Element(ns + "cli")!.Element(ns + "ssh")!.Element(ns + "port")!.Value = ports[2].ToString(CultureInfo.InvariantCulture);
    conf.Save(path);
}

// The daemons' pids, from the state file NsoDev keeps in each run directory.
static List<int> SimulatorPids(string root) =>
    Directory.EnumerateDirectories(root)
        .Select(d => Path.Combine(d, "nsodev.json"))
        .Where(File.Exists)
        .Select(f => System.Text.Json.JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("Pid"))
        .Where(pid => pid.ValueKind == System.Text.Json.JsonValueKind.Number)
        .Select(pid => pid.GetInt32())
        .ToList();

static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

static double ResidentMegabytes(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Stat(List<double> values, string format = "F2") =>
    $"{Median(values).ToString(format, CultureInfo.InvariantCulture)} ({values.Min().ToString(format, CultureInfo.InvariantCulture)}-{values.Max().ToString(format, CultureInfo.InvariantCulture)})";
