namespace NsoDev.SimBench;

/// <summary>
/// Target 2: a daemon's VmRSS ≤ 60 MB after ~2 s idle (no client since it started), with PSS beside it.
/// Baseline, interleaved with it: <c>nso-sim --wait-started 30</c> while it waits for a port where
/// nothing listens, a minimal .NET process of the same binary.
/// </summary>
internal sealed class IdleMemory(int samples)
{
    private const double TargetMb = 60;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<ResultRow>> RunAsync(CancellationToken cancellationToken)
    {
        var daemons = new List<ProcessMemory>();
        var waiters = new List<ProcessMemory>();
        using var run = new SimRunDirectory { Verbose = false };
        await (await SimDaemon.StartAsync(run, cancellationToken: cancellationToken)).StopAsync(cancellationToken);
        for (var i = 0; i < samples; i++)
        {
            waiters.Add(await WaiterMemoryAsync(cancellationToken));
            var daemon = await SimDaemon.StartAsync(run, cancellationToken: cancellationToken);
            await Task.Delay(Idle, cancellationToken);
            daemons.Add(ProcessMemory.Read(daemon.Pid));
            await daemon.StopAsync(cancellationToken);
        }

        var (rss, pss) = (new Samples(daemons.Select(m => m.RssMb)), new Samples(daemons.Select(m => m.PssMb)));
        var (baseRss, basePss) = (new Samples(waiters.Select(m => m.RssMb)), new Samples(waiters.Select(m => m.PssMb)));
        return
        [
            new(
                $"2. idle VmRSS per daemon, 2 s after started, {samples} daemons",
                "MB",
                rss.MedianAndRange("F1"),
                $"`--wait-started 30` waiting: {baseRss.MedianAndRange("F1")}",
                Samples.Number(rss.Median / baseRss.Median, "F2"),
                $"≤ {TargetMb:F0} MB (every daemon)",
                ResultRow.Verdict(rss.Max <= TargetMb)),
            new(
                "2b. idle PSS per daemon (smaps_rollup), same daemons",
                "MB",
                pss.MedianAndRange("F1"),
                $"`--wait-started 30` waiting: {basePss.MedianAndRange("F1")}",
                Samples.Number(pss.Median / basePss.Median, "F2"),
                "(none)"),
        ];
    }

    private static async Task<ProcessMemory> WaiterMemoryAsync(CancellationToken cancellationToken)
    {
        await using var waiter = NsoSimProcess.Start(["--wait-started", "30"], SimRunDirectory.TcpEnvironment(FreePorts.One()));
        await Task.Delay(Idle, cancellationToken);
        if (waiter.HasExited)
        {
            throw new InvalidOperationException($"the baseline `nso-sim --wait-started 30` exited early: {waiter.Output}");
        }

        var memory = ProcessMemory.Read(waiter.Id);
        await waiter.KillAsync();
        return memory;
    }
}
