// Benchmarks of nso-sim against its targets. One command: `bench/run-sim` (see BENCHMARKS.md).
// Every figure has a baseline measured in the same run, because these machines are noisy:
// report ratios, medians and spreads, never single timings.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using NsoDev.SimBench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync("NsoDev.SimBench: " + e.Message);
    return 2;
}

if (!File.Exists(NsoSimProcess.Apphost))
{
    await Console.Error.WriteLineAsync($"NsoDev.SimBench: no nso-sim at {NsoSimProcess.Apphost}; build bench/NsoDev.SimBench, which references src/NsoDev.Simulator.");
    return 2;
}

// The NETCONF sessions block threads (SSH.NET is synchronous) and the IPC workers are async:
// enough pool threads from the start, so that the pool's ramp-up is not what gets measured.
ThreadPool.SetMinThreads(64, 64);

// Every loop below is bounded in count and time; this is the bound on the whole run. Ctrl+C ends it too.
using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(20));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    deadline.Cancel();
};

var measurements = new (string Name, Func<CancellationToken, Task<IReadOnlyList<ResultRow>>> Run)[]
{
    ("native against JIT", new NativeVsJit(options.Spawns).RunAsync),
    ("spawn to started", new SpawnToStarted(options.Spawns, options.FreshSpawns).RunAsync),
    ("idle memory", new IdleMemory(options.MemorySamples).RunAsync),
    ("NETCONF load", new NetconfLoad(options.Repeats, options.Sessions, options.CallsPerSession).RunAsync),
    ("IPC preamble rate", new IpcPreambleRate(options.Repeats, options.IpcConnections, options.IpcWorkers).RunAsync),
};

// Others may share the machine: the load before and after says how noisy this run was.
var loadBefore = LoadAverage();
var rows = new List<ResultRow>();
var completed = 0;
var shown = 0;
try
{
    foreach (var (name, run) in measurements)
    {
        await Console.Error.WriteLineAsync($"[{DateTime.UtcNow:HH:mm:ss}] {name}...");
        try
        {
            var measured = await run(deadline.Token);
            rows.AddRange(measured);
            completed++;
        }
        catch (InvalidOperationException e)
        {
            // A daemon that did not start or stop: the other measurements still run.
            rows.Add(new ResultRow($"{name}: failed", "", e.Message.ReplaceLineEndings(" "), "", "", "", ResultRow.Verdict(false)));
        }

        foreach (var row in rows.Skip(shown))
        {
            await Console.Error.WriteLineAsync(row.ToMarkdown());
        }

        shown = rows.Count;
    }
}
catch (OperationCanceledException) when (deadline.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("NsoDev.SimBench: stopped (time limit of 20 minutes, or Ctrl+C); the table has the rows measured so far.");
}
finally
{
    NsoSimProcess.StopLeftovers();
}

var table = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}; median (min-max) over the repeats unless the row says otherwise. Load average (1 min) {loadBefore} before, {LoadAverage()} after. Rows 0a-0c compare the two builds of nso-sim; the other rows measure the {NsoSimProcess.BuildName} (`{Path.GetRelativePath(AppContext.BaseDirectory, NsoSimProcess.Apphost)}`).")
    .AppendLine()
    .AppendLine("| measurement | unit | nso-sim | baseline (same run) | ratio | target | met |")
    .AppendLine("|---|---|---|---|---|---|---|");
rows.ForEach(r => table.AppendLine(r.ToMarkdown()));
Console.WriteLine(table);
if (options.Output is not null)
{
    await File.WriteAllTextAsync(options.Output, table.ToString());
}

return completed == measurements.Length ? 0 : 1;

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
