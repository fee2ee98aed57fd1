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
    var parallel = new List<double>();
    var fromStartingCpu = new List<double>();
    var parallelCpu = new List<double>();
    var stops = new List<double>();
    var appHostStops = new List<double>();
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
            var (healthy, nsoPart, nsoCpu, stop, appHostStop, rssMb, confs, appHostMb, readyMs) = await TimeAppHostAsync(count, root);
            fromStartingCpu.Add(nsoCpu * 1000 / count);
            appHostStops.Add(appHostStop);
            appHostRss.Add(appHostMb);
            readyToHealthy.Add(readyMs);
            orchestrated.Add(healthy);
            fromStarting.Add(nsoPart);
            stops.Add(stop);
            rss.AddRange(rssMb);
            sequential.Add(await TimeSequentialAsync(confs));
            var (byHand, byHandCpu) = await TimeParallelAsync(confs);
            parallel.Add(byHand);
            parallelCpu.Add(byHandCpu * 1000 / count);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    var ratio = Median(orchestrated) / Median(sequential);
    var nsoRatio = Median(fromStarting) / Median(sequential);
    fromStartingByCount[count] = fromStarting;
    rows.Add($"| {count} | {Stat(orchestrated)} | {Stat(fromStarting)} | {Stat(sequential)} | {Stat(parallel)} | {ratio:F2} | {nsoRatio:F2} | {Median(fromStarting) / Median(parallel):F2} | {Stat(fromStartingCpu, "F0")} | {Stat(parallelCpu, "F0")} | {Stat(stops)} | {Stat(appHostStops)} | {Stat(rss, "F1")} | {Stat(appHostRss, "F0")} | {Stat(readyToHealthy, "F0")} |");
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
                var (_, nsoPart, _, _, _, _, confs, _, _) = await TimeAppHostAsync(count, root);
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
    .AppendLine("| N | AppHost start to all healthy, s | first Starting to all healthy, s | sequential baseline, s | parallel by hand, s | ratio (AppHost / sequential) | ratio (from Starting / sequential) | from Starting / parallel by hand | machine CPU per instance, first Starting to all healthy, ms | the same, parallel by hand, ms | stop to all daemons gone, s | stop to StopAsync returned, s | RSS per nso-sim, MB | AppHost process RSS, MB | Running to healthy (slowest instance), ms |")
    .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
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
    .AppendLine(CultureInfo.InvariantCulture, $"Aspire alone (`dotnet run --project AppHost --no-build -- --Nso:Count=0 --Nso:Devices=0`, prebuilt, to the dashboard answering 200): {Stat(aspireAlone)} s.");
Console.WriteLine(table);
if (output is not null)
{
    await File.WriteAllTextAsync(output, table.ToString());
}

return 0;

// The AppHost with N instances: from StartAsync to every instance healthy, then from StopAsync
// to no nso-sim process of this run left, and to StopAsync returning.
static async Task<(double Healthy, double FromStarting, double FromStartingCpu, double DaemonsGone, double Stopped, List<double> RssMb, List<string> Confs, double AppHostMb, double ReadyToHealthyMs)> TimeAppHostAsync(int count, string root)
{
    using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
    var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [$"--Nso:Count={count}", $"--Nso:RunRoot={root}", "--Logging:LogLevel:Default=Warning", "--Nso:Clients=false", "--Nso:Devices=0"], (options, _) => options.DisableDashboard = true, cts.Token);
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

    _ = CpuSampler.Machine;
    var clock = Stopwatch.StartNew();
    if (Environment.GetEnvironmentVariable("BENCH_TIMELINE") is not null)
    {
        // To find this run in a profiler's trace of the bench process.
        Console.WriteLine(FormattableString.Invariant($"timeline N={count}: StartAsync at {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds:F2} s after the bench process started"));
    }

    var cpuBefore = ThreadCpu();
    var processesBefore = ProcessCpu();
    var allHealthy = Task.WhenAll(names.Select(n => app.ResourceNotifications.WaitForResourceHealthyAsync(n, cts.Token)));
    var starting = app.StartAsync(cts.Token);
    await allHealthy;
    var healthy = clock.Elapsed.TotalSeconds;
    var allHealthyAt = DateTime.UtcNow;
    var cpuAfter = ThreadCpu();
    var processesAfter = ProcessCpu();
    var firstStarting = names.Min(n => app.ResourceNotifications.TryGetCurrentState(n, out var e) ? e.Snapshot.StartTimeStamp ?? allHealthyAt : allHealthyAt);
    var nsoPart = (allHealthyAt - firstStarting).TotalSeconds;
    var nsoCpu = CpuSampler.Machine.BusySeconds(firstStarting, allHealthyAt);
    await starting;
    var startReturned = clock.Elapsed.TotalSeconds;
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
    if (Environment.GetEnvironmentVariable("BENCH_TIMELINE") is not null)
    {
        // Where this process's CPU went from StartAsync to all healthy, by thread (the AppHost runs in it).
        var used = cpuAfter.Select(t => (t.Key, Ms: t.Value.Ms - (cpuBefore.TryGetValue(t.Key, out var b) ? b.Ms : 0), t.Value.Name)).OrderByDescending(t => t.Ms).ToList();
        Console.WriteLine(FormattableString.Invariant($"timeline cpu: {used.Sum(t => t.Ms):F0} ms in {healthy * 1000:F0} ms (StartAsync returned at {startReturned * 1000:F0} ms); top threads: {string.Join(", ", used.Take(8).Select(t => $"{t.Name}#{t.Key} {t.Ms:F0}"))}"));
    }

    if (Environment.GetEnvironmentVariable("BENCH_TIMELINE") is not null)
    {
        // Which processes of the machine used CPU from StartAsync to all healthy (those that ended meanwhile are missing).
        var byName = processesAfter.Select(p => (p.Value.Name, Ms: p.Value.Ms - (processesBefore.TryGetValue(p.Key, out var b) ? b.Ms : 0)))
            .GroupBy(p => p.Name).Select(g => (Name: g.Key, Ms: g.Sum(p => p.Ms), Count: g.Count(p => p.Ms > 0))).Where(g => g.Ms > 0).OrderByDescending(g => g.Ms).ToList();
        Console.WriteLine(FormattableString.Invariant($"timeline processes: {string.Join(", ", byName.Take(10).Select(g => $"{g.Name} x{g.Count} {g.Ms:F0} ms"))}"));
    }

    var readyToHealthyMs = names.Where(n => healthyAt.ContainsKey(n) && runningAt.ContainsKey(n)).Select(n => (healthyAt[n] - runningAt[n]).TotalMilliseconds).DefaultIfEmpty(double.NaN).Max();

    var pids = SimulatorPids(root);
    var rss = pids.Select(ResidentMegabytes).ToList();

    // The AppHost runs in this process (Aspire.Hosting.Testing), so its RSS is this process's, bench included.
    var appHostMb = ResidentMegabytes(Environment.ProcessId);

    // Two figures: when the last daemon is gone (NsoDev's part: every `ncs --stop` in parallel), and when
    // StopAsync returns (Aspire's own shutdown too: DCP, hosted services).
    clock.Restart();
    var stopping = app.StopAsync(cts.Token);
    while (pids.Any(IsAlive))
    {
        await Task.Delay(5, cts.Token);
    }

    var daemonsGone = clock.Elapsed.TotalSeconds;
    await stopping;
    var stopped = clock.Elapsed.TotalSeconds;
    return (healthy, nsoPart, nsoCpu, daemonsGone, stopped, rss, names.Select(n => Path.Combine(root, n)).ToList(), appHostMb, readyToHealthyMs);
}

// The baselines: the same daemons started by hand, as a Makefile would. One after another, each
// followed by `--wait-started` (`make`), or all at once, each with its own `--wait-started` (`make -j`):
// the second is the floor of any parallel start on this machine, with no orchestration at all.
static async Task<double> TimeSequentialAsync(List<string> runDirectories) => (await TimeByHandAsync(runDirectories, parallel: false)).Seconds;

static async Task<(double Seconds, double CpuSeconds)> TimeParallelAsync(List<string> runDirectories) => await TimeByHandAsync(runDirectories, parallel: true);

static async Task<(double Seconds, double CpuSeconds)> TimeByHandAsync(List<string> runDirectories, bool parallel)
{
    // Outside the clock: fresh ports (taken all at once, so that no two daemons get the same one), and
    // each daemon's environment as env.sh gives it.
    var freshPorts = FreePorts.Take(3 * runDirectories.Count);
    var prepared = runDirectories.Select((dir, index) =>
    {
        var env = File.ReadAllLines(Path.Combine(dir, "env.sh"))
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('\''));
        MoveToFreshPorts(dir, env, freshPorts.Skip(3 * index).Take(3).ToArray());

        // NCS_DIR as NsoDev gives it to nso-sim: the stock template refers to ${NCS_DIR}.
        var daemonEnvironment = new Dictionary<string, string> { ["NCS_DIR"] = AppContext.BaseDirectory };
        if (Environment.GetEnvironmentVariable("NSO_SIM_START_DELAY") is { } delay)
        {
            daemonEnvironment["NSO_SIM_START_DELAY"] = delay;
        }

        return (Dir: dir, Control: env, Daemon: daemonEnvironment);
    }).ToList();

    var daemons = new System.Collections.Concurrent.ConcurrentBag<NsoSimProcess>();
    async Task StartOneAsync((string Dir, Dictionary<string, string> Control, Dictionary<string, string> Daemon) one)
    {
        var daemon = NsoSimProcess.Start(["--cd", one.Dir, "-c", Path.Combine(one.Dir, "ncs.conf"), "--foreground", "--stop-on-eof"], one.Daemon);
        daemons.Add(daemon);
        var wait = await NsoSimProcess.RunAsync(["--wait-started", "30"], one.Control);
        if (wait.ExitCode != 0)
        {
            throw new InvalidOperationException($"baseline: {one.Dir} did not start: {wait.Stderr} daemon: {daemon.Stderr}");
        }
    }

    try
    {
        _ = CpuSampler.Machine;
        var startedAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        if (parallel)
        {
            await Task.WhenAll(prepared.Select(one => Task.Run(() => StartOneAsync(one))));
        }
        else
        {
            foreach (var one in prepared)
            {
                await StartOneAsync(one);
            }
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuSeconds = CpuSampler.Machine.BusySeconds(startedAt, DateTime.UtcNow);
        foreach (var daemon in daemons)
        {
            daemon.CloseStandardInput();
            await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        return (elapsed, cpuSeconds);
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
    foreach (var argument in (string[])["run", "--project", Path.Combine(RepositoryRoot.Path, "AppHost"), "-c", configuration, "--no-build", "--no-launch-profile", "--", "--Nso:Count=0", "--Nso:Clients=false", "--Nso:Devices=0"])
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

// CPU time (user + system) of each thread of this process, from /proc.
static Dictionary<int, (double Ms, string Name)> ThreadCpu()
{
    var threads = new Dictionary<int, (double Ms, string Name)>();
    foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
    {
        try
        {
            threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (CpuMilliseconds(File.ReadAllText(Path.Combine(task, "stat"))), File.ReadAllText(Path.Combine(task, "comm")).Trim());
        }
        catch (IOException)
        {
            // The thread ended meanwhile.
        }
    }

    return threads;
}

// utime + stime of a /proc stat line (fields 14 and 15, after the command name in parentheses), in ms: ticks of 10 ms.
static double CpuMilliseconds(string stat)
{
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
}

// CPU time (user + system) of every process of the machine, by pid, from /proc.
static Dictionary<int, (double Ms, string Name)> ProcessCpu()
{
    var processes = new Dictionary<int, (double Ms, string Name)>();
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out var pid))
        {
            continue;
        }

        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            processes[pid] = (CpuMilliseconds(stat), stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')]);
        }
        catch (IOException)
        {
            // The process ended meanwhile.
        }
    }

    return processes;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

// The AppHost's ports may be taken by the time the baseline runs (other app hosts on a shared
// machine), so each baseline daemon gets fresh free ports; the work it does is the same.
static void MoveToFreshPorts(string dir, Dictionary<string, string> env, int[] ports)
{
    System.Xml.Linq.XNamespace ns = "http://tail-f.com/yang/tailf-ncs-config";
    var path = Path.Combine(dir, "ncs.conf");
    var conf = System.Xml.Linq.XDocument.Load(path);
    var root = conf.Root!;
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

/// <summary>
/// Samples the machine's busy CPU time (all cores, every process) from /proc/stat every 10
/// milliseconds, so that the CPU a window of the run used can be read afterwards: a start on 2
/// cores cannot end before the CPU it needs, divided by 2, has been spent.
/// </summary>
internal sealed class CpuSampler : IDisposable
{
    private readonly List<(DateTime At, long BusyTicks)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    /// <summary>The one sampler of this run, started with the first use.</summary>
    public static CpuSampler Machine { get; } = new();

    private CpuSampler()
    {
        _thread = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var sample = (DateTime.UtcNow, BusyTicks());
                lock (_samples)
                {
                    _samples.Add(sample);
                }

                Thread.Sleep(10);
            }
        }) { IsBackground = true, Name = "cpu sampler" };
        _thread.Start();
    }

    /// <summary>CPU seconds all cores spent busy between two moments (at the 10 ms granularity of the kernel's ticks).</summary>
    public double BusySeconds(DateTime from, DateTime to)
    {
        lock (_samples)
        {
            var before = _samples.LastOrDefault(s => s.At <= from, _samples[0]);
            var after = _samples.FirstOrDefault(s => s.At >= to, _samples[^1]);
            return (after.BusyTicks - before.BusyTicks) / 100.0;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }

    // The first line of /proc/stat: user nice system idle iowait irq softirq steal, in ticks of 10 ms.
    private static long BusyTicks()
    {
        using var reader = new StreamReader("/proc/stat");
        var fields = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return fields.Sum() - fields[3] - fields[4];
    }
}
