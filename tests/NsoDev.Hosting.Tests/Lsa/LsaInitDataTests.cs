using System.Xml.Linq;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Lsa;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Serve;
using NsoDev.Hosting.Tests.Onboard;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Lsa;

/// <summary>
/// The upper node's LSA init data, written into its ncs-cdb/ after the fleet's planner has planned every node:
/// a remote node and a device per lower node at that lower node's planned NETCONF port, and the ned-id chosen by
/// the nodes' releases (NSO-NOTES §16).
/// </summary>
public sealed class LsaInitDataTests : IDisposable
{
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";
    private readonly string _root = Directory.CreateTempSubdirectory("nsodev-lsa-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact(Timeout = 30_000)]
    public async Task Same_release_every_lower_node_is_a_remote_node_and_an_lsa_netconf_device_at_its_planned_netconf_port()
    {
        var (lsa, dashboard) = PlannedLsa(2, new NsoRelease(6, 5), new NsoRelease(6, 5), new NsoRelease(6, 5));
        var upperPlan = lsa.UpperNode.RequirePlan();

        await LsaUpperNode.Of(lsa.UpperNode, new FakeNorthbound(), dashboard, NullLogger.Instance)!.MaterializeAsync(upperPlan, lsa.UpperNode.Published().Engine!, TestContext.Current.CancellationToken);

        var init = XElement.Load(Path.Combine(upperPlan.RunDirectory.CdbDirectory, "lsa_init.xml"));
        Assert.Equal(XName.Get("config", "http://tail-f.com/ns/config/1.0"), init.Name);
        var cluster = init.Element(Ncs + "cluster")!;
        var ports = lsa.LowerNodes.Select(l => l.RequirePlan().PortOf(NsoPortKind.Netconf)!.Value).ToList();
        Assert.Equal(2, ports.Distinct().Count());
        Assert.DoesNotContain(upperPlan.PortOf(NsoPortKind.Netconf)!.Value, ports);
        Assert.Equal(
            [("lsa-lower-1", "127.0.0.1", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture), "default", "admin"), ("lsa-lower-2", "127.0.0.1", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture), "default", "admin")],
            cluster.Elements(Ncs + "remote-node").Select(n => (Leaf(n, "name"), Leaf(n, "address"), Leaf(n, "port"), Leaf(n, "authgroup"), Leaf(n, "username"))));
        Assert.Equal("true", cluster.Element(Ncs + "device-notifications")?.Element(Ncs + "enabled")?.Value);
        Assert.Equal("true", cluster.Element(Ncs + "commit-queue")?.Element(Ncs + "enabled")?.Value);
        var devices = init.Element(Ncs + "devices")!.Elements(Ncs + "device").ToList();
        Assert.Equal(["lsa-lower-1", "lsa-lower-2"], devices.Select(d => Leaf(d, "name")));
        foreach (var device in devices)
        {
            Assert.Equal(Leaf(device, "name"), Leaf(device, "lsa-remote-node"));
            Assert.Equal("default", Leaf(device, "authgroup"));
            Assert.Equal("unlocked", device.Element(Ncs + "state")?.Element(Ncs + "admin-state")?.Value);
            Assert.Null(device.Element(Ncs + "address"));
            var nedId = device.Element(Ncs + "device-type")!.Element(Ncs + "netconf")!.Element(Ncs + "ned-id")!;
            Assert.Equal("ned:lsa-netconf", nedId.Value);
            Assert.Equal("http://tail-f.com/ns/ncs-ned", nedId.GetNamespaceOfPrefix("ned")?.NamespaceName);
        }

        Assert.False(Directory.Exists(Path.Combine(upperPlan.RunDirectory.Path, "packages", "cisco-nso-nc-6.5")));
    }

    [Fact(Timeout = 30_000)]
    public async Task Across_releases_each_lower_node_gets_the_cisco_nso_ned_of_its_release_linked_from_the_uppers_ncs_dir()
    {
        var (lsa, dashboard) = PlannedLsa(2, new NsoRelease(6, 5), new NsoRelease(6, 4), new NsoRelease(6, 5));
        var upperEngine = lsa.UpperNode.Published().Engine!;
        var package = Directory.CreateDirectory(Path.Combine(upperEngine.InstallationDirectory, "packages", "lsa", "cisco-nso-nc-6.4")).FullName;
        Directory.CreateDirectory(Path.Combine(upperEngine.InstallationDirectory, "packages", "lsa", "cisco-nso-nc-6.5"));
        var upperPlan = lsa.UpperNode.RequirePlan();

        await LsaUpperNode.Of(lsa.UpperNode, new FakeNorthbound(), dashboard, NullLogger.Instance)!.MaterializeAsync(upperPlan, upperEngine, TestContext.Current.CancellationToken);

        var init = XElement.Load(Path.Combine(upperPlan.RunDirectory.CdbDirectory, "lsa_init.xml"));
        var nedIds = init.Element(Ncs + "devices")!.Elements(Ncs + "device").Select(d => d.Descendants(Ncs + "ned-id").Single()).ToList();
        Assert.Equal(["id:cisco-nso-nc-6.4", "id:cisco-nso-nc-6.5"], nedIds.Select(n => n.Value));
        Assert.Equal("http://tail-f.com/ns/ned-id/cisco-nso-nc-6.4", nedIds[0].GetNamespaceOfPrefix("id")?.NamespaceName);
        Assert.Equal(package, new DirectoryInfo(Path.Combine(upperPlan.RunDirectory.Path, "packages", "cisco-nso-nc-6.4")).LinkTarget);
        Assert.True(Directory.Exists(Path.Combine(upperPlan.RunDirectory.Path, "packages", "cisco-nso-nc-6.5")));
    }

    [Fact(Timeout = 30_000)]
    public async Task Across_releases_a_missing_cisco_nso_package_is_refused_with_its_path()
    {
        var (lsa, dashboard) = PlannedLsa(1, new NsoRelease(6, 5), new NsoRelease(6, 3));
        var upperEngine = lsa.UpperNode.Published().Engine!;

        var e = await Assert.ThrowsAsync<LsaException>(() => LsaUpperNode.Of(lsa.UpperNode, new FakeNorthbound(), dashboard, NullLogger.Instance)!.MaterializeAsync(lsa.UpperNode.RequirePlan(), upperEngine, TestContext.Current.CancellationToken));

        var package = Path.Combine(upperEngine.InstallationDirectory, "packages", "lsa", "cisco-nso-nc-6.3");
        Assert.Equal($"The lower nodes of lsa-upper run other NSO releases than it does (lsa-lower-1 6.3; lsa-upper 6.5), so it needs the LSA NED package {package}, which does not exist. Give lsa-upper an NSO install that ships it, or run every node on the same release.", e.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_upper_older_than_a_lower_node_is_refused_naming_both_releases()
    {
        var (lsa, dashboard) = PlannedLsa(2, new NsoRelease(6, 4), new NsoRelease(6, 4), new NsoRelease(6, 5));

        var e = await Assert.ThrowsAsync<LsaException>(() => LsaUpperNode.Of(lsa.UpperNode, new FakeNorthbound(), dashboard, NullLogger.Instance)!.MaterializeAsync(lsa.UpperNode.RequirePlan(), lsa.UpperNode.Published().Engine!, TestContext.Current.CancellationToken));

        Assert.Equal("LSA upper node lsa-upper runs NSO 6.4, older than its lower node lsa-lower-2 (NSO 6.5); the upper must run the same or a newer release than every lower node. Give the upper a newer NSO (WithNsoInstallation) or the lower nodes an older one.", e.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_changed_init_file_for_an_upper_that_already_has_cdb_data_is_owed_as_a_live_merge()
    {
        var (lsa, dashboard) = PlannedLsa(1, new NsoRelease(6, 5), new NsoRelease(6, 5));
        var upperPlan = lsa.UpperNode.RequirePlan();
        var step = LsaUpperNode.Of(lsa.UpperNode, new FakeNorthbound(), dashboard, NullLogger.Instance)!;
        var token = TestContext.Current.CancellationToken;

        await step.MaterializeAsync(upperPlan, lsa.UpperNode.Published().Engine!, token);
        var freshStart = File.Exists(LsaUpperNode.MergePendingMarker(upperPlan));
        await File.WriteAllTextAsync(Path.Combine(upperPlan.RunDirectory.CdbDirectory, "A.cdb"), "", token);
        await step.MaterializeAsync(upperPlan, lsa.UpperNode.Published().Engine!, token);
        var unchanged = File.Exists(LsaUpperNode.MergePendingMarker(upperPlan));
        await File.WriteAllTextAsync(LsaUpperNode.InitFile(upperPlan), "<config/>", token);
        await step.MaterializeAsync(upperPlan, lsa.UpperNode.Published().Engine!, token);

        Assert.False(freshStart);
        Assert.False(unchanged);
        Assert.True(File.Exists(LsaUpperNode.MergePendingMarker(upperPlan)));
    }

    /// <summary>
    /// An LSA deployment planned as the fleet plans it (every node at once, a fake port probe), each node given an
    /// engine of its release; the upper's is a fake install under this test's folder.
    /// </summary>
    private (NsoLsaResource Lsa, NsoDashboard Dashboard) PlannedLsa(int lowerNodes, NsoRelease upper, params NsoRelease[] lowers)
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var lsa = builder.AddNsoLsa("lsa", lowerNodes).Resource;
        var app = builder.Build();
        var nodes = lsa.LowerNodes.Append(lsa.UpperNode).ToList();
        var planner = new NsoPlanner(new FakePortProbe(), new PortLeases(Path.Combine(_root, "leases")));
        var (plans, lease) = planner.Plan(nodes, Path.Combine(_root, "run"), new NcsConfTemplate.Banded(Path.Combine(AppContext.BaseDirectory, "instance-templates", "default")));
        lease.Dispose();
        foreach (var (node, plan) in nodes.Zip(plans))
        {
            node.Published().Plan = plan;
            var release = node == lsa.UpperNode ? upper : lowers[lsa.LowerNodes.ToList().IndexOf(node)];
            node.Published().Engine = new NcsEngine(Path.Combine(_root, $"nso-{release}", "bin", "ncs"), release, IsSimulator: false);
        }

        return (lsa, app.Services.GetRequiredService<NsoDashboard>());
    }

    private static string? Leaf(XElement parent, string name) => parent.Element(Ncs + name)?.Value;
}
