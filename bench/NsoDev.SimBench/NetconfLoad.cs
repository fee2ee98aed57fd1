using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Renci.SshNet;

namespace NsoDev.SimBench;

/// <summary>
/// Target 3: 50 concurrent NETCONF sessions (SSH.NET) each sending 20 <c>get-config</c> to one daemon,
/// every one answered: a reply with the request's message-id and a <c>&lt;data</c> element.
/// Baseline, in each repeat: the same 1000 calls from one session, one after another; the ratio is
/// of throughputs. Logins are timed apart from the calls, and client and daemon share the machine.
/// </summary>
internal sealed class NetconfLoad(int repeats, int sessions, int callsPerSession)
{
    private const string Base = "urn:ietf:params:xml:ns:netconf:base:1.0";
    private const int SeedDevices = 20;
    private static readonly TimeSpan LoginLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CallsLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(2);
    private long _messageId;

    private int Calls => sessions * callsPerSession;

    public async Task<IReadOnlyList<ResultRow>> RunAsync(CancellationToken cancellationToken)
    {
        using var run = new SimRunDirectory { Verbose = false };
        await using var daemon = await SimDaemon.StartAsync(run, cancellationToken: cancellationToken);
        Seed(run.NetconfPort);

        // Not measured: JIT and first-use costs on both sides.
        Run(run.NetconfPort, Math.Min(sessions, 10), callsPerSession, cancellationToken);
        var sequential = new List<LoadResult>();
        var concurrent = new List<LoadResult>();
        var rssAfterRepeats = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sequential.Add(Run(run.NetconfPort, 1, Calls, cancellationToken));
            concurrent.Add(Run(run.NetconfPort, sessions, callsPerSession, cancellationToken));
            rssAfterRepeats.Add(ProcessMemory.Read(daemon.Pid).RssMb);
        }

        await Task.Delay(Idle, cancellationToken);
        var afterLoad = ProcessMemory.Read(daemon.Pid);

        var (total, baseTotal) = (new Samples(concurrent.Select(r => r.CallsTime.TotalSeconds)), new Samples(sequential.Select(r => r.CallsTime.TotalSeconds)));
        var (rate, baseRate) = (new Samples(concurrent.Select(r => r.CallsPerSecond)), new Samples(sequential.Select(r => r.CallsPerSecond)));
        var (calls, baseCalls) = (new Samples(concurrent.SelectMany(r => r.LatenciesMs)), new Samples(sequential.SelectMany(r => r.LatenciesMs)));
        var logins = new Samples(concurrent.Select(r => r.LoginTime.TotalSeconds));
        var answered = string.Join(", ", concurrent.Select(r => r.Answered.ToString(CultureInfo.InvariantCulture)));
        var allAnswered = concurrent.All(r => r.Answered == Calls) && sequential.All(r => r.Answered == Calls);
        var problems = concurrent.Concat(sequential).SelectMany(r => r.Problems).Distinct().Take(3).ToList();
        var verdict = ResultRow.Verdict(allAnswered) + (problems.Count > 0 ? ": " + string.Join("; ", problems) : "");
        return
        [
            new(
                $"3. {sessions} NETCONF sessions × {callsPerSession} get-config: time for all {Calls} calls, {repeats} repeats",
                "s",
                total.MedianAndRange("F2"),
                $"1 session × {Calls} in sequence: {baseTotal.MedianAndRange("F2")}",
                "",
                $"all {Calls} answered",
                $"{verdict} (answered: {answered})"),
            new(
                "3b. throughput of the same runs",
                "calls/s",
                rate.MedianAndRange("F0"),
                baseRate.MedianAndRange("F0"),
                Samples.Number(rate.Median / baseRate.Median, "F2"),
                "(none)"),
            new(
                $"3c. per-call latency, all calls of the {repeats} repeats: median / p95",
                "ms",
                $"{Samples.Number(calls.Median, "F1")} / {Samples.Number(calls.Percentile(95), "F1")}",
                $"{Samples.Number(baseCalls.Median, "F1")} / {Samples.Number(baseCalls.Percentile(95), "F1")}",
                "",
                "(none)"),
            new($"3d. {sessions} SSH logins at once (connect, key exchange, password, netconf subsystem, hello)", "s", logins.MedianAndRange("F2"), "", "", "(none)"),
            new(
                "3e. daemon VmRSS right after each repeat; then VmRSS / PSS 2 s after the last",
                "MB",
                $"{string.Join(", ", rssAfterRepeats.Select(r => Samples.Number(r, "F1")))}; {Samples.Number(afterLoad.RssMb, "F1")} / {Samples.Number(afterLoad.PssMb, "F1")}",
                "idle before the load: row 2",
                "",
                "(none)"),
        ];
    }

    /// <summary>A running config to read back, so that every reply carries some data.</summary>
    private void Seed(int port)
    {
        using var client = Connect(port);
        var devices = string.Concat(Enumerable.Range(1, SeedDevices).Select(i => $"<device><name>ce{i}</name><address>127.0.0.{i}</address></device>"));
        var id = NextId();
        var reply = client.SendReceiveRpc($"""<rpc message-id="{id}" xmlns="{Base}"><edit-config><target><running/></target><config><devices xmlns="http://tail-f.com/ns/ncs">{devices}</devices></config></edit-config></rpc>""");
        if (reply.GetElementsByTagName("ok", Base).Count != 1)
        {
            throw new InvalidOperationException($"seeding the running datastore failed: {reply.OuterXml}");
        }
    }

    /// <summary>
    /// <paramref name="count"/> sessions on threads of their own (SSH.NET's client is synchronous): all log
    /// in, then all start their calls together; the clock runs from that start to the last reply.
    /// </summary>
    private LoadResult Run(int port, int count, int callsEach, CancellationToken cancellationToken)
    {
        var clients = new NetConfClient?[count];
        var latencies = new ConcurrentBag<double>();
        var problems = new ConcurrentBag<string>();
        var answered = 0;
        using var loggedIn = new CountdownEvent(count);
        using var finished = new CountdownEvent(count);
        using var go = new ManualResetEventSlim();
        using var abandon = new CancellationTokenSource();

        void Session(int index)
        {
            try
            {
                try
                {
                    clients[index] = Connect(port);
                }
                finally
                {
                    Signal(loggedIn);
                }

                go.Wait(abandon.Token);
                for (var call = 0; call < callsEach && !abandon.IsCancellationRequested; call++)
                {
                    var id = NextId();
                    var clock = Stopwatch.StartNew();
                    var reply = clients[index]!.SendReceiveRpc($"""<rpc message-id="{id}" xmlns="{Base}"><get-config><source><running/></source></get-config></rpc>""");
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                    if (reply.DocumentElement?.GetAttribute("message-id") == id && reply.OuterXml.Contains("<data", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref answered);
                    }
                    else
                    {
                        problems.Add($"wrong reply to {id}: {Shorten(reply.OuterXml)}");
                    }
                }
            }
#pragma warning disable CA1031 // A failed session is counted as unanswered calls and reported, not thrown on its thread.
            catch (Exception e)
#pragma warning restore CA1031
            {
                problems.Add($"{e.GetType().Name}: {Shorten(e.Message)}");
            }
            finally
            {
                Signal(finished);
            }
        }

        var threads = Enumerable.Range(0, count).Select(i => new Thread(() => Session(i)) { IsBackground = true, Name = $"netconf-{i}" }).ToList();
        try
        {
            var login = Stopwatch.StartNew();
            threads.ForEach(t => t.Start());
            var allIn = loggedIn.Wait(LoginLimit, cancellationToken);
            var loginTime = login.Elapsed;
            var calls = Stopwatch.StartNew();
            go.Set();
            var allDone = allIn && finished.Wait(CallsLimit, cancellationToken);
            var callsTime = calls.Elapsed;
            if (!allDone)
            {
                problems.Add($"not finished within {(allIn ? CallsLimit : LoginLimit).TotalSeconds:F0} s");
            }

            return new LoadResult(loginTime, callsTime, answered, [.. latencies], [.. problems]);
        }
        finally
        {
            // Disposing a client ends any call still waiting, so the threads end too.
            abandon.Cancel();
            foreach (var client in clients)
            {
                client?.Dispose();
            }

            threads.ForEach(t => t.Join(TimeSpan.FromSeconds(10)));
        }
    }

    /// <summary>A thread that outlived its join (10 s after its client was disposed) finds the events gone.</summary>
    private static void Signal(CountdownEvent countdown)
    {
        try
        {
            countdown.Signal();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static NetConfClient Connect(int port)
    {
        var client = new NetConfClient("127.0.0.1", port, "admin", "admin")
        {
            AutomaticMessageIdHandling = false,
            OperationTimeout = TimeSpan.FromSeconds(30),
        };
        client.ConnectionInfo.Timeout = TimeSpan.FromSeconds(30);
        try
        {
            client.Connect();
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private string NextId() => Interlocked.Increment(ref _messageId).ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "...";

    private sealed record LoadResult(TimeSpan LoginTime, TimeSpan CallsTime, int Answered, IReadOnlyList<double> LatenciesMs, IReadOnlyList<string> Problems)
    {
        public double CallsPerSecond => Answered / CallsTime.TotalSeconds;
    }
}
