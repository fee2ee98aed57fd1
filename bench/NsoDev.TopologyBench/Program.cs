// Issue 14's figures, one command: `bench/run-topologies` (see BENCHMARKS.md). From `dotnet run` of the
// prebuilt AppHost to the topology being usable, as the nodes themselves show it: an HA Raft cluster
// whose every node reports leader or follower over its own NETCONF (one leader), and an LSA upper node
// whose /devices holds a synced config from each lower node. The baseline is three stand-alone
// instances, to their NETCONF answering, in the same run; the figure that matters is the ratio.
// Each row runs twice per repeat in one run root: a first run (certificates, host keys and the cluster
// made anew) and a second (state kept, as a developer's next `dotnet run`).
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Renci.SshNet;

var repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
var output = args.Length > 1 ? args[1] : null;
var only = args.Length > 2 ? args[2].Split(',').Select(int.Parse).ToHashSet() : null;
var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
XNamespace raftNs = "http://tail-f.com/ns/ncs/high-availability/raft";
XNamespace ncs = "http://tail-f.com/ns/ncs";
(string Name, string[] Arguments, string[] Nodes, Func<string, bool> Ready)[] scenarios =
[
    ("3 stand-alone instances (baseline)", ["--Nso:Count=3"], ["nso-1", "nso-2", "nso-3"], root => AllAnswer(root, ["nso-1", "nso-2", "nso-3"])),
    ("HA Raft, 3 nodes, NSO 6.5 (epmd)", ["--Nso:Raft:Nodes=3", "--Nso:Raft:SimulatedRelease=6.5"], ["raft-1", "raft-2", "raft-3"], root => Formed(root, ["raft-1", "raft-2", "raft-3"])),
    ("HA Raft, 3 nodes, NSO 6.7 (own port)", ["--Nso:Raft:Nodes=3", "--Nso:Raft:SimulatedRelease=6.7"], ["raft-1", "raft-2", "raft-3"], root => Formed(root, ["raft-1", "raft-2", "raft-3"])),
    ("LSA, upper + 2 lower nodes", ["--Nso:Lsa:LowerNodes=2"], ["lsa-upper", "lsa-lower-1", "lsa-lower-2"], root => RemoteNodesSynced(root, "lsa-upper", 2)),
];

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Load before: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; {repeats} repeats per row, each a first run in a new run root and a second run in the same root.");
report.AppendLine();
report.AppendLine("| topology | first run (s), median [min–max] | × baseline | second run (s), median [min–max] | × baseline |");
report.AppendLine("|---|---|---|---|---|");
(double First, double Second)? baseline = null;
foreach (var (name, arguments, nodes, ready) in scenarios.Where((_, i) => only is null || only.Contains(i)))
{
    var first = new List<double>();
    var second = new List<double>();
    for (var run = 0; run < repeats; run++)
    {
        var root = Directory.CreateTempSubdirectory("nsodev-topobench-").FullName;
        try
        {
            first.Add(await RunOnceAsync(root, arguments, nodes, ready));
            second.Add(await RunOnceAsync(root, arguments, nodes, ready));
        }
        catch
        {
            Console.Error.WriteLine($"kept {root} for a look");
            throw;
        }

        Directory.Delete(root, recursive: true);
    }

    baseline ??= (BenchAppHost.Median(first), BenchAppHost.Median(second));
    report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {BenchAppHost.Stat(first)} | {BenchAppHost.Median(first) / baseline.Value.First:0.00} | {BenchAppHost.Stat(second)} | {BenchAppHost.Median(second) / baseline.Value.Second:0.00} |");
    Console.WriteLine($"{name}: first {BenchAppHost.Stat(first)} s, second {BenchAppHost.Stat(second)} s");
}

Console.WriteLine(report);
if (output is not null)
{
    await File.WriteAllTextAsync(output, report.ToString());
}

async Task<double> RunOnceAsync(string root, string[] topology, string[] nodes, Func<string, bool> isReady)
{
    var log = new StringBuilder();
    var clock = Stopwatch.StartNew();
    using var process = BenchAppHost.Run(configuration, [.. topology, "--Nso:Devices=0", "--Nso:Clients=false", $"--Nso:RunRoot={root}"], log);
    try
    {
        while (!isReady(root))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(3) || process.HasExited)
            {
                throw new InvalidOperationException($"not ready within {clock.Elapsed.TotalSeconds:0} s; the AppHost's output:\n{log}");
            }

            await Task.Delay(100);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        while (!BenchAppHost.Contains(log, "Distributed application started") && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(50);
        }

        BenchAppHost.Signal(process.Id);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return seconds;
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

bool AllAnswer(string root, string[] instances) => instances.All(i => BenchAppHost.NetconfPort(root, i) is { } port && Rpc(port, "<get-config><source><running/></source></get-config>") is not null);

// Every node leads or follows, and exactly one leads.
bool Formed(string root, string[] nodes)
{
    var roles = nodes.Select(n => BenchAppHost.NetconfPort(root, n) is { } port
        ? Rpc(port, $"<get><filter type=\"subtree\"><ha-raft xmlns=\"{raftNs}\"><status/></ha-raft></filter></get>")?.Descendants(raftNs + "role").FirstOrDefault()?.Value
        : null).ToList();
    return roles.All(r => r is "leader" or "follower") && roles.Count(r => r == "leader") == 1;
}

// The upper node's /devices holds a synced config from each lower node.
bool RemoteNodesSynced(string root, string upper, int lowerNodes) =>
    BenchAppHost.NetconfPort(root, upper) is { } port
    && Rpc(port, "<get-config><source><running/></source></get-config>")?.Descendants(ncs + "device").Count(d => d.Element(ncs + "config")?.HasElements == true) >= lowerNodes;

static XElement? Rpc(int port, string body)
{
    try
    {
        using var client = new NetConfClient("127.0.0.1", port, "admin", "admin") { OperationTimeout = TimeSpan.FromSeconds(10) };
        client.ConnectionInfo.Timeout = TimeSpan.FromSeconds(2);
        client.Connect();
        var rpc = new XmlDocument();
        rpc.LoadXml($"<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">{body}</rpc>");
        return XElement.Parse(client.SendReceiveRpc(rpc).OuterXml);
    }
    catch (Exception e) when (e is Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException or IOException or InvalidOperationException or XmlException)
    {
        return null;
    }
}
