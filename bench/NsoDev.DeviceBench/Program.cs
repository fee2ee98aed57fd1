// Issue 13's figures, one command: `bench/run-devices` (see BENCHMARKS.md). From `dotnet run` of the
// prebuilt AppHost to every device in sync, as NSO itself shows it: the instance's running
// configuration holds each device's synced `config`. The baseline is the same instances without
// devices, to their NETCONF answering, measured in the same run; the figure that matters is the ratio.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Renci.SshNet;

var repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
var output = args.Length > 1 ? args[1] : null;
// Optional: which rows to run, by their numbers from 0, e.g. "2,3"; a row with devices needs its baseline before it.
var only = args.Length > 2 ? args[2].Split(',').Select(int.Parse).ToHashSet() : null;
var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
(string Name, int Instances, int Devices)[] scenarios =
[
    ("1 instance, no devices (baseline)", 1, 0),
    ("1 instance × 10 devices", 1, 10),
    ("2 instances, no devices (baseline)", 2, 0),
    ("2 instances × 5 devices", 2, 5),
];

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Load before: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; {repeats} measured runs per row, each after a warm-up run in the same run root (host keys made once, as on a developer's second `dotnet run`) whose instances' CDB is then removed, as Reset does, so that the measured run loads and syncs its devices anew.");
report.AppendLine();
report.AppendLine("| topology | to all in sync (s), median [min–max] | × its baseline | device RSS (MB), median [min–max] | AppHost exit after SIGTERM (s) |");
report.AppendLine("|---|---|---|---|---|");
var medians = new Dictionary<int, double>();
foreach (var (name, instances, devices) in scenarios.Where((_, i) => only is null || only.Contains(i)))
{
    var times = new List<double>();
    var rss = new List<double>();
    var stops = new List<double>();
    for (var run = 0; run < repeats; run++)
    {
        var root = Directory.CreateTempSubdirectory("nsodev-devbench-").FullName;
        try
        {
            await RunOnceAsync(root, instances, devices);

            // As Reset does: CDB goes, so the measured run loads the devices and syncs them anew; keys stay.
            foreach (var cdb in Directory.EnumerateFiles(root, "*.cdb", SearchOption.AllDirectories).Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "ncs-cdb"))
            {
                File.Delete(cdb);
            }

            var (seconds, deviceRss, stop) = await RunOnceAsync(root, instances, devices);
            times.Add(seconds);
            rss.AddRange(deviceRss);
            stops.Add(stop);
        }
        catch
        {
            Console.Error.WriteLine($"kept {root} for a look");
            throw;
        }

        Directory.Delete(root, recursive: true);
    }

    var median = BenchAppHost.Median(times);
    string ratio;
    if (devices == 0)
    {
        medians[instances] = median;
        ratio = "1.00";
    }
    else
    {
        ratio = (median / medians[instances]).ToString("0.00", CultureInfo.InvariantCulture);
    }

    report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {BenchAppHost.Stat(times)} | {ratio} | {(rss.Count == 0 ? "–" : BenchAppHost.Stat(rss))} | {BenchAppHost.Stat(stops)} |");
    Console.WriteLine($"{name}: {BenchAppHost.Stat(times)} s");
}

Console.WriteLine(report);
if (output is not null)
{
    await File.WriteAllTextAsync(output, report.ToString());
}

async Task<(double Seconds, List<double> DeviceRss, double Stop)> RunOnceAsync(string root, int instances, int devices)
{
    var log = new StringBuilder();
    var clock = Stopwatch.StartNew();
    using var process = BenchAppHost.Run(configuration, [$"--Nso:Count={instances}", $"--Nso:Devices={devices}", "--Nso:Clients=false", $"--Nso:RunRoot={root}"], log);
    try
    {
        var pending = Enumerable.Range(1, instances).Select(i => $"nso-{i}").ToHashSet();
        while (pending.Count > 0)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(3) || process.HasExited)
            {
                var audits = string.Join("\n", pending.Select(i => Path.Combine(root, i, "logs", "audit.log")).Where(File.Exists).SelectMany(f => File.ReadLines(f).Where(l => l.Contains("devices ", StringComparison.Ordinal)).TakeLast(10).Prepend(f)));
                throw new InvalidOperationException($"not every device was in sync within {clock.Elapsed.TotalSeconds:0} s (waiting for {string.Join(", ", pending)}); their audit logs:\n{audits}\nthe AppHost's output:\n{log}");
            }

            foreach (var instance in pending.ToList())
            {
                if (BenchAppHost.NetconfPort(root, instance) is { } port && SyncedDevices(port) is { } synced && synced >= devices)
                {
                    pending.Remove(instance);
                }
            }

            if (pending.Count > 0)
            {
                await Task.Delay(100);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var deviceRss = DeviceDaemons(root).Select(RssMb).ToList();

        // The devices can be in sync before Aspire itself has finished starting (its dashboard); a stop
        // then fails Aspire's start, which ends the process without the instances' stop (README, Devices).
        while (!BenchAppHost.Contains(log, "Distributed application started") && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(50);
        }

        var stopping = Stopwatch.StartNew();
        BenchAppHost.Signal(process.Id);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        while (DeviceDaemons(root).Count > 0 && stopping.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        return (seconds, deviceRss, stopping.Elapsed.TotalSeconds);
    }
    finally
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}

// How many /devices/device entries hold a synced config; null while NETCONF does not answer.
static int? SyncedDevices(int port)
{
    try
    {
        using var client = new NetConfClient("127.0.0.1", port, "admin", "admin") { OperationTimeout = TimeSpan.FromSeconds(10) };
        client.ConnectionInfo.Timeout = TimeSpan.FromSeconds(2);
        client.Connect();
        var rpc = new XmlDocument();
        rpc.LoadXml("<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-config><source><running/></source></get-config></rpc>");
        XNamespace ncs = "http://tail-f.com/ns/ncs";
        return XElement.Parse(client.SendReceiveRpc(rpc).OuterXml).Descendants(ncs + "device")
            .Count(d => d.Element(ncs + "config")?.HasElements == true);
    }
    catch (Exception e) when (e is Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException or IOException or InvalidOperationException or XmlException)
    {
        return null;
    }
}

static List<int> DeviceDaemons(string root) =>
    [.. ProcessTable.NsoSimWithArgumentContaining(root).Where(p => p.Argv.Contains("netsim-device")).Select(p => p.Pid)];

static double RssMb(int pid) =>
    File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).Single();
