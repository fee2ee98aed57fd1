namespace NsoDev.SimBench;

/// <summary>
/// Target 0 (the performance issue): the native build against the JIT build, interleaved spawn by spawn
/// in one run directory. Spawn to <c>--wait-started</c> success (the waiter is the same build), spawn to
/// exit of <c>--version</c>, and VmRSS after 2 s idle. The JIT build is the baseline of each row.
/// </summary>
internal sealed class NativeVsJit(int spawns)
{
    private const double SpawnTargetMs = 40;
    private const double RssTargetMb = 20;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<ResultRow>> RunAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(NsoSimProcess.NativeBuild))
        {
            return [new("0. native build against the JIT build", "", "not measured: no native build (install clang and zlib1g-dev, then rebuild)", "", "", "", ResultRow.Verdict(false))];
        }

        var measuredByDefault = NsoSimProcess.Apphost;
        var native = new Build();
        var jit = new Build();
        try
        {
            using var run = new SimRunDirectory { Verbose = false };
            NsoSimProcess.Apphost = NsoSimProcess.NativeBuild;
            await (await SimDaemon.StartAsync(run, cancellationToken: cancellationToken)).StopAsync(cancellationToken);
            for (var i = 0; i < spawns; i++)
            {
                foreach (var (program, into) in new[] { (NsoSimProcess.NativeBuild, native), (NsoSimProcess.JitBuild, jit) })
                {
                    NsoSimProcess.Apphost = program;
                    into.Version.Add(await SpawnToStarted.VersionMsAsync(cancellationToken));
                    var daemon = await SimDaemon.StartAsync(run, cancellationToken: cancellationToken);
                    into.Started.Add(daemon.Startup.TotalMilliseconds);
                    await Task.Delay(Idle, cancellationToken);
                    into.Rss.Add(ProcessMemory.Read(daemon.Pid).RssMb);
                    await daemon.StopAsync(cancellationToken);
                }
            }
        }
        finally
        {
            NsoSimProcess.Apphost = measuredByDefault;
        }

        return
        [
            Row($"0a. spawn to `--wait-started` success, native build, {spawns} spawns", "ms", native.Started, jit.Started, "F0", $"median ≤ {SpawnTargetMs:F0} ms", s => s.Median <= SpawnTargetMs),
            Row("0b. spawn to exit of `--version`, native build", "ms", native.Version, jit.Version, "F0", "(none)", null),
            Row("0c. idle VmRSS, 2 s after started, native build", "MB", native.Rss, jit.Rss, "F1", $"median ≤ {RssTargetMb:F0} MB", s => s.Median <= RssTargetMb),
        ];
    }

    private static ResultRow Row(string name, string unit, List<double> native, List<double> jit, string format, string target, Func<Samples, bool>? met)
    {
        var (measured, baseline) = (new Samples(native), new Samples(jit));
        return new(name, unit, measured.MedianAndRange(format), $"JIT build: {baseline.MedianAndRange(format)}", Samples.Number(measured.Median / baseline.Median, "F2"), target, met is null ? "" : ResultRow.Verdict(met(measured)));
    }

    private sealed class Build
    {
        public List<double> Started { get; } = [];

        public List<double> Version { get; } = [];

        public List<double> Rss { get; } = [];
    }
}
