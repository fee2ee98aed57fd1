using System.Diagnostics;

namespace NsoDev.SimBench;

/// <summary>
/// Target 1: from spawning <c>nso-sim</c> to <c>nso-sim --wait-started</c> exiting 0, median ≤ 500 ms.
/// Baseline, interleaved with it: spawn to exit of <c>nso-sim --version</c>, the cost of starting the
/// .NET process at all. The run directory is reused, as on every start after an instance's first;
/// the first start in a fresh directory (which generates the SSH host keys) is a row of its own.
/// </summary>
internal sealed class SpawnToStarted(int spawns, int freshSpawns)
{
    private const double TargetMs = 500;

    public async Task<IReadOnlyList<ResultRow>> RunAsync(CancellationToken cancellationToken)
    {
        var warm = new List<double>();
        var versions = new List<double>();
        var stops = new List<double>();
        using (var run = new SimRunDirectory { Verbose = false })
        {
            // Not measured: creates the host keys and ncs-cdb, and warms the page cache.
            await (await SimDaemon.StartAsync(run, cancellationToken: cancellationToken)).StopAsync(cancellationToken);
            for (var i = 0; i < spawns; i++)
            {
                versions.Add(await VersionMsAsync(cancellationToken));
                var daemon = await SimDaemon.StartAsync(run, cancellationToken: cancellationToken);
                warm.Add(daemon.Startup.TotalMilliseconds);
                stops.Add((await daemon.StopAsync(cancellationToken)).TotalMilliseconds);
            }
        }

        var fresh = new List<double>();
        for (var i = 0; i < freshSpawns; i++)
        {
            using var run = new SimRunDirectory { Verbose = false };
            var daemon = await SimDaemon.StartAsync(run, cancellationToken: cancellationToken);
            fresh.Add(daemon.Startup.TotalMilliseconds);
            await daemon.StopAsync(cancellationToken);
        }

        var (started, baseline, stopped) = (new Samples(warm), new Samples(versions), new Samples(stops));
        var rows = new List<ResultRow>
        {
            new(
                $"1. spawn to `--wait-started` success, {spawns} spawns",
                "ms",
                started.MedianAndRange("F0"),
                $"spawn to exit of `--version`: {baseline.MedianAndRange("F0")}",
                Samples.Number(started.Median / baseline.Median, "F2"),
                $"median ≤ {TargetMs:F0} ms",
                ResultRow.Verdict(started.Median <= TargetMs)),
        };
        if (fresh.Count > 0)
        {
            var first = new Samples(fresh);
            rows.Add(new(
                $"1b. the same, first start in a fresh run directory (generates the SSH host keys), {freshSpawns} spawns",
                "ms",
                first.MedianAndRange("F0"),
                "same baseline",
                Samples.Number(first.Median / baseline.Median, "F2"),
                "(none)"));
        }

        rows.Add(new("1c. stop: EOF on stdin to exit, after each spawn of row 1", "ms", stopped.MedianAndRange("F0"), "", "", "(none)"));
        return rows;
    }

    /// <summary>Spawn to exit of <c>nso-sim --version</c>: the cost of starting the program at all.</summary>
    internal static async Task<double> VersionMsAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var version = await NsoSimProcess.RunAsync(["--version"], null, cancellationToken);
        return version.ExitCode == 0
            ? clock.Elapsed.TotalMilliseconds
            : throw new InvalidOperationException($"nso-sim --version exited {version.ExitCode}: {version.Stderr}");
    }
}
