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

var slowCounts = args.Length > 3 ? args[3].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray() : [8];
var slowStart = TimeSpan.FromSeconds(args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 2);
const string StartDelayVariable = "NSO_SIM_START_DELAY";
var loadBefore = LoadAverage();

var rows = new List<string>();
var fromStartingByCount = new Dictionary<int, List<double>>();
foreach (var count in counts)
{
    var orchestrated = new List<double>();
    var fromStarting = new List<double>();
    var sequential = new List<double>();
    var stops = new List<double>();
    var rss = new List<double>();
    var appHostRss = new List<double>();
    var readyToHealthy = new List<double>();
    for (var run = 0; run < repeats; run++)
    {
        var root = Directory.CreateTempSubdirectory("nsodev-bench-").FullName;
        try
        {
            // A first run generates each instance's SSH host keys; the measured run is the next one,
            // as a developer's daily `dotnet run` is.
            await TimeAppHostAsync(count, root);
            var (healthy, nsoPart, stop, rssMb, confs, appHostMb, readyMs) = await TimeAppHostAsync(count, root);
            appHostRss.Add(appHostMb);
            readyToHealthy.Add(readyMs);
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
    fromStartingByCount[count] = fromStarting;
    rows.Add($"| {count} | {Stat(orchestrated)} | {Stat(fromStarting)} | {Stat(sequential)} | {ratio:F2} | {nsoRatio:F2} | {Stat(stops)} | {Stat(rss, "F1")} | {Stat(appHostRss, "F0")} | {Stat(readyToHealthy, "F0")} |");
    Console.WriteLine(rows[^1]);
}

// NSO-like start times: every daemon spends T in its start phases (nso-sim's NSO_SIM_START_DELAY),
// as a real NSO spends seconds loading packages. One by one takes N x T; in parallel, little more than T.
var slowRows = new List<string>();
foreach (var count in slowCounts)
{
    var fromStarting = new List<double>();
    var sequential = new List<double>();
    Environment.SetEnvironmentVariable(StartDelayVariable, slowStart.TotalSeconds.ToString(CultureInfo.InvariantCulture));
    try
    {
        for (var run = 0; run < repeats; run++)
        {
            var root = Directory.CreateTempSubdirectory("nsodev-bench-").FullName;
            try
            {
                await TimeAppHostAsync(count, root);
                var (_, nsoPart, _, _, confs, _, _) = await TimeAppHostAsync(count, root);
                fromStarting.Add(nsoPart);
                sequential.Add(await TimeSequentialAsync(confs));
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
    finally
    {
        Environment.SetEnvironmentVariable(StartDelayVariable, null);
    }

    slowRows.Add($"| {count} | {slowStart.TotalSeconds:F1} | {Stat(fromStarting)} | {Stat(sequential)} | {Median(fromStarting) / slowStart.TotalSeconds:F2} | {Median(fromStarting) / Median(sequential):F2} |");
    Console.WriteLine(slowRows[^1]);
}

var aspireAlone = new List<double>();
for (var run = 0; run < repeats; run++)
{
    aspireAlone.Add(await TimeAspireAloneAsync());
}

var marginal = rows.Count > 0 && counts.Contains(1) && counts.Contains(16)
    ? (Median(fromStartingByCount[16]) - Median(fromStartingByCount[1])) / 15
    : double.NaN;
var table = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {repeats} runs per row; median (min-max). nso-sim measured: the {NsoSimProcess.BuildName} (`{Path.GetRelativePath(AppContext.BaseDirectory, NsoSimProcess.Apphost)}`, which NsoDev also ran). Load average (1 min) {loadBefore} before, {LoadAverage()} after.")
    .AppendLine()
    .AppendLine("| N | AppHost start to all healthy, s | first Starting to all healthy, s | sequential baseline, s | ratio (AppHost / baseline) | ratio (from Starting / baseline) | stop to all gone, s | RSS per nso-sim, MB | AppHost process RSS, MB | Running to healthy (slowest instance), ms |")
    .AppendLine("|---|---|---|---|---|---|---|---|---|---|");
rows.ForEach(r => table.AppendLine(r));
table.AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Marginal cost per instance, (first Starting to all healthy at N=16 - at N=1) / 15: {(double.IsNaN(marginal) ? "not measured (needs N=1 and N=16)" : marginal.ToString("F3", CultureInfo.InvariantCulture) + " s")}.")
    .AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"With NSO-like start times ({StartDelayVariable}={slowStart.TotalSeconds:F1}: every daemon spends T = {slowStart.TotalSeconds:F1} s in its start phases):")
    .AppendLine()
    .AppendLine("| N | T, s | first Starting to all healthy, s | sequential baseline, s | NsoDev / T | NsoDev / sequential |")
    .AppendLine("|---|---|---|---|---|---|");
slowRows.ForEach(r => table.AppendLine(r));
table.AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Aspire alone (`dotnet run --project AppHost --no-build -- --Nso:Count=0`, prebuilt, to the dashboard answering 200): {Stat(aspireAlone)} s.");
Console.WriteLine(table);
if (output is not null)
{
    await File.WriteAllTextAsync(output, table.ToString());
}

return 0;

// The AppHost with N instances: from StartAsync to every instance healthy, then from StopAsync
// to no nso-sim process of this run left.
static async Task<(double Healthy, double FromStarting, double Stop, List<double> RssMb, List<string> Confs, double AppHostMb, double ReadyToHealthyMs)> TimeAppHostAsync(int count, string root)
{
    using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
    var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [$"--Nso:Count={count}", $"--Nso:RunRoot={root}", "--Logging:LogLevel:Default=Warning", "--Nso:Clients=false"], (options, _) => options.DisableDashboard = true, cts.Token);
    var names = Enumerable.Range(1, count).Select(i => $"nso-{i}").ToList();
    await using var app = await builder.BuildAsync(cts.Token);

    // Watch before starting: StartAsync itself returns only after Aspire's own start-up work.
    // When each instance turned Running (its `ncs --wait-started` succeeded) and then healthy (the IPC
    // health check got in): what the health check and the dashboard add after readiness.
    var runningAt = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTime>();
    var healthyAt = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTime>();
    using var watching = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
    var watch = Task.Run(async () =>
    {
        try
        {
            await foreach (var e in app.ResourceNotifications.WatchAsync(watching.Token))
            {
                var now = DateTime.UtcNow;
                if (e.Snapshot.State?.Text == Aspire.Hosting.ApplicationModel.KnownResourceStates.Running)
                {
                    runningAt.TryAdd(e.Resource.Name, now);
                }

                if (e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
                {
                    healthyAt.TryAdd(e.Resource.Name, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    });

    var clock = Stopwatch.StartNew();
    var allHealthy = Task.WhenAll(names.Select(n => app.ResourceNotifications.WaitForResourceHealthyAsync(n, cts.Token)));
    var starting = app.StartAsync(cts.Token);
    await allHealthy;
    var healthy = clock.Elapsed.TotalSeconds;
    var allHealthyAt = DateTime.UtcNow;
    var firstStarting = names.Min(n => app.ResourceNotifications.TryGetCurrentState(n, out var e) ? e.Snapshot.StartTimeStamp ?? allHealthyAt : allHealthyAt);
    var nsoPart = (allHealthyAt - firstStarting).TotalSeconds;
    await starting;
    for (var wait = 0; wait < 200 && names.Any(n => !healthyAt.ContainsKey(n) || !runningAt.ContainsKey(n)); wait++)
    {
        await Task.Delay(10, cts.Token);
    }

    await watching.CancelAsync();
    await watch;
    // BENCH_TIMELINE=1: when each instance reached Starting, Running and healthy, in ms after the first
    // Starting; how the starts overlap (it showed them begin one after another, each behind the last one's spawns).
    if (Environment.GetEnvironmentVariable("BENCH_TIMELINE") is not null)
    {
        foreach (var name in names)
        {
            var startedAt = app.ResourceNotifications.TryGetCurrentState(name, out var e) ? e.Snapshot.StartTimeStamp : null;
            Console.WriteLine(FormattableString.Invariant($"timeline {name}: Starting {(startedAt - firstStarting)?.TotalMilliseconds:F0}, Running {(runningAt.GetValueOrDefault(name) - firstStarting).TotalMilliseconds:F0}, healthy {(healthyAt.GetValueOrDefault(name) - firstStarting).TotalMilliseconds:F0}"));
        }
    }
    var readyToHealthyMs = names.Where(n => healthyAt.ContainsKey(n) && runningAt.ContainsKey(n)).Select(n => (healthyAt[n] - runningAt[n]).TotalMilliseconds).DefaultIfEmpty(double.NaN).Max();

    var pids = SimulatorPids(root);
    var rss = pids.Select(ResidentMegabytes).ToList();

    // The AppHost runs in this process (Aspire.Hosting.Testing), so its RSS is this process's, bench included.
    var appHostMb = ResidentMegabytes(Environment.ProcessId);

    clock.Restart();
    await app.StopAsync(cts.Token);
    while (pids.Any(IsAlive))
    {
        await Task.Delay(10, cts.Token);
    }

    var stop = clock.Elapsed.TotalSeconds;
    return (healthy, nsoPart, stop, rss, names.Select(n => Path.Combine(root, n)).ToList(), appHostMb, readyToHealthyMs);
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
            var daemonEnvironment = new Dictionary<string, string> { ["NCS_DIR"] = AppContext.BaseDirectory };
            if (Environment.GetEnvironmentVariable("NSO_SIM_START_DELAY") is { } delay)
            {
                daemonEnvironment["NSO_SIM_START_DELAY"] = delay;
            }

            var daemon = NsoSimProcess.Start(["--cd", dir, "-c", Path.Combine(dir, "ncs.conf"), "--foreground", "--stop-on-eof"], daemonEnvironment);
            daemons.Add(daemon);
            var wait = await NsoSimProcess.RunAsync(["--wait-started", "30"], env);
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

// Aspire's own fixed cost: the prebuilt AppHost with no instances, from `dotnet run` to its dashboard answering.
static async Task<double> TimeAspireAloneAsync()
{
    var ports = FreePorts.Take(2);
    var dashboard = new Uri($"http://127.0.0.1:{ports[0]}/");
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    // The configuration this bench was built in, which built the AppHost too.
    var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
    foreach (var argument in (string[])["run", "--project", Path.Combine(RepositoryRoot.Path, "AppHost"), "-c", configuration, "--no-build", "--no-launch-profile", "--", "--Nso:Count=0", "--Nso:Clients=false"])
    {
        start.ArgumentList.Add(argument);
    }

    start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
    start.Environment["ASPNETCORE_URLS"] = dashboard.GetLeftPart(UriPartial.Authority);
    start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{ports[1]}";
    start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, _) => { };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    try
    {
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                using var response = await http.GetAsync(dashboard);
                if (response.IsSuccessStatusCode)
                {
                    return clock.Elapsed.TotalSeconds;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException("the AppHost with no instances did not answer on its dashboard within 2 minutes");
    }
    finally
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

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
