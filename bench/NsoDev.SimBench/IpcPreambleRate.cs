using System.Diagnostics;
using System.Net.Sockets;
using NsoDev.Ipc;

namespace NsoDev.SimBench;

/// <summary>
/// Target 4: more than 1000 IPC connections per second, each completing a library client's hello
/// (<see cref="IpcPreamble.ConnectAsync(IpcConnectOptions, CancellationToken)"/> as MAAPI of NSO 6.5) and closing, from a
/// few workers that each connect one after another. Baseline, in each repeat: plain TCP connect
/// and close to the same port with the same workers; the ratio is of rates.
/// </summary>
internal sealed class IpcPreambleRate(int repeats, int connections, int workers)
{
    private const double TargetPerSecond = 1000;
    private static readonly NsoRelease Release = new(6, 5);
    private static readonly TimeSpan RepeatLimit = TimeSpan.FromSeconds(60);

    public async Task<IReadOnlyList<ResultRow>> RunAsync(CancellationToken cancellationToken)
    {
        using var run = new SimRunDirectory { Verbose = false };
        await using var daemon = await SimDaemon.StartAsync(run, cancellationToken: cancellationToken);
        var endpoint = new NsoIpcEndpoint.Tcp("127.0.0.1", run.IpcPort);

        async Task Plain(CancellationToken token)
        {
            var (socket, address) = endpoint.CreateSocket();
            using (socket)
            {
                await socket.ConnectAsync(address, token);
            }
        }

        async Task Hello(CancellationToken token)
        {
            using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(endpoint, NsoClientType.Maapi, Release), token);
        }

        // Not measured: JIT on both sides.
        await RunAsync(Plain, Math.Min(connections, 500), cancellationToken);
        await RunAsync(Hello, Math.Min(connections, 500), cancellationToken);
        var plain = new List<LoadResult>();
        var hello = new List<LoadResult>();
        for (var i = 0; i < repeats; i++)
        {
            plain.Add(await RunAsync(Plain, connections, cancellationToken));
            hello.Add(await RunAsync(Hello, connections, cancellationToken));
        }

        var (rate, baseRate) = (new Samples(hello.Select(r => r.PerSecond)), new Samples(plain.Select(r => r.PerSecond)));
        var failures = hello.Concat(plain).Sum(r => r.Failures);
        var firstProblem = hello.Concat(plain).Select(r => r.FirstProblem).FirstOrDefault(p => p is not null);
        var done = string.Join(", ", hello.Select(r => r.Done));
        return
        [
            new(
                $"4. IPC preamble connections (MAAPI hello, protocol 85), {workers} workers, {connections} per repeat, {repeats} repeats",
                "conn/s",
                rate.MedianAndRange("F0"),
                $"plain TCP connect + close: {baseRate.MedianAndRange("F0")}",
                Samples.Number(rate.Median / baseRate.Median, "F2"),
                $"> {TargetPerSecond:F0}/s",
                ResultRow.Verdict(rate.Median > TargetPerSecond && failures == 0)
                    + $" (completed: {done}; failed: {failures}{(firstProblem is null ? "" : ", first: " + firstProblem)})"),
        ];
    }

    /// <summary>Until <paramref name="count"/> attempts are made or the time limit passes.</summary>
    private async Task<LoadResult> RunAsync(Func<CancellationToken, Task> connectOnce, int count, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RepeatLimit);
        var remaining = count;
        var done = 0;
        var failures = 0;
        string? firstProblem = null;

        async Task Worker()
        {
            while (Interlocked.Decrement(ref remaining) >= 0 && !limit.IsCancellationRequested)
            {
                try
                {
                    await connectOnce(limit.Token);
                    Interlocked.Increment(ref done);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstProblem, $"{e.GetType().Name}: {e.Message}", null);
                }
            }
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(Worker, CancellationToken.None)));
        var elapsed = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();
        return new LoadResult(done, failures, elapsed, firstProblem);
    }

    private sealed record LoadResult(int Done, int Failures, TimeSpan Elapsed, string? FirstProblem)
    {
        public double PerSecond => Done / Elapsed.TotalSeconds;
    }
}
