using System.Xml.Linq;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Lsa;
using NsoDev.Hosting.Onboard;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Tests.Onboard;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Lsa;

/// <summary>
/// The upper node's onboard step with the onboarding's real NETCONF client (SSH.NET) against a scripted peer whose
/// replies are shaped as NSO's documentation shows them: the requests of Cisco's LSA examples, in their order, and
/// each lower node's result from the replies (NSO-NOTES §12, §16).
/// </summary>
public sealed class LsaOnboardingTests : IDisposable
{
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";
    private static readonly XNamespace Actions = "http://tail-f.com/ns/netconf/actions/1.0";

    // The fetch-host-keys output grouping of tailf-ncs-ssh.yang (result, info, fingerprint), inside the action's path.
    private const string RemoteFetchUpdated = """
        <data><cluster xmlns="http://tail-f.com/ns/ncs"><remote-node><name>lsa-lower-1</name><ssh><fetch-host-keys>
          <result>updated</result><fingerprint><algorithm>ssh-ed25519</algorithm><value>4a:c6:5d:91:6d:4a:69:7a:4e:0d:dc:4e:51:51:ee:e2</value></fingerprint>
        </fetch-host-keys></ssh></remote-node></cluster></data>
        """;

    private const string RemoteFetchFailed = """
        <data><cluster xmlns="http://tail-f.com/ns/ncs"><remote-node><name>lsa-lower-2</name><ssh><fetch-host-keys>
          <result>failed</result><info>Failed to connect to remote node lsa-lower-2: connection refused</info>
        </fetch-host-keys></ssh></remote-node></cluster></data>
        """;

    // As the LSA chapter's fetch-ssh-host-keys and sync-from outputs, one lower node down.
    private const string DevicesFetch = """
        <data><devices xmlns="http://tail-f.com/ns/ncs"><fetch-ssh-host-keys>
          <fetch-result><device>lsa-lower-1</device><result>updated</result><fingerprint><algorithm>ssh-ed25519</algorithm><value>4a:c6:5d:91:6d:4a:69:7a:4e:0d:dc:4e:51:51:ee:e2</value></fingerprint></fetch-result>
          <fetch-result><device>lsa-lower-2</device><result>failed</result><info>Failed to connect to device lsa-lower-2: connection refused</info></fetch-result>
        </fetch-ssh-host-keys></devices></data>
        """;

    private const string DevicesSync = """
        <data><devices xmlns="http://tail-f.com/ns/ncs"><sync-from>
          <sync-result><device>lsa-lower-1</device><result>true</result></sync-result>
          <sync-result><device>lsa-lower-2</device><result>false</result><info>Failed to connect to device lsa-lower-2: connection refused</info></sync-result>
        </sync-from></devices></data>
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("nsodev-lsa-onboard-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact(Timeout = 60_000)]
    public async Task Fetches_each_remote_nodes_keys_then_the_devices_keys_then_syncs_and_a_lower_node_that_is_down_is_its_own_result()
    {
        await using var peer = new ScriptedNetconfPeer([RemoteFetchUpdated, RemoteFetchFailed, DevicesFetch, DevicesSync]);

        var report = await new LsaOnboarding(new SshNetNorthboundConnector()).OnboardAsync(UpperOn(peer.Port), ["lsa-lower-1", "lsa-lower-2"], null, TestContext.Current.CancellationToken);

        var requests = peer.Requests.Select(r => Assert.Single(r.Elements())).ToList();
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r => Assert.Equal(Actions + "action", r.Name));
        for (var i = 0; i < 2; i++)
        {
            // <action><data><cluster><remote-node><name>N</name><ssh><fetch-host-keys/></ssh></remote-node></cluster></data></action>
            var cluster = Assert.Single(Assert.Single(requests[i].Elements(Actions + "data")).Elements());
            Assert.Equal(Ncs + "cluster", cluster.Name);
            var node = Assert.Single(cluster.Elements(Ncs + "remote-node"));
            Assert.Equal($"lsa-lower-{i + 1}", node.Element(Ncs + "name")?.Value);
            Assert.Equal([Ncs + "name", Ncs + "ssh"], node.Elements().Select(e => e.Name));
            Assert.Equal(Ncs + "fetch-host-keys", Assert.Single(node.Element(Ncs + "ssh")!.Elements()).Name);
        }

        Assert.Equal(Ncs + "fetch-ssh-host-keys", Assert.Single(requests[2].Descendants(Ncs + "devices").Elements()).Name);
        Assert.Equal(Ncs + "sync-from", Assert.Single(requests[3].Descendants(Ncs + "devices").Elements()).Name);
        Assert.Equal(
            [
                new DeviceSyncResult("lsa-lower-1", true, null),
                new DeviceSyncResult("lsa-lower-2", false, "cluster remote-node lsa-lower-2 ssh fetch-host-keys failed: Failed to connect to remote node lsa-lower-2: connection refused; sync-from: Failed to connect to device lsa-lower-2: connection refused"),
            ],
            report.Devices);
        Assert.Equal("1 of 2 in sync (not: lsa-lower-2)", LsaDashboard.CountOf(report));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_init_file_owed_as_a_merge_is_merged_into_running_before_the_actions()
    {
        var file = Path.Combine(_root, "lsa_init.xml");
        await File.WriteAllTextAsync(file, LsaInitData.Build(new NsoRelease(6, 5), [new LsaLowerNode("lsa-lower-1", "127.0.0.1", 2023, new NsoRelease(6, 5))]).ToString(), TestContext.Current.CancellationToken);
        await using var peer = new ScriptedNetconfPeer(["<ok/>", RemoteFetchUpdated, DevicesFetch, DevicesSync]);

        var report = await new LsaOnboarding(new SshNetNorthboundConnector()).OnboardAsync(UpperOn(peer.Port), ["lsa-lower-1"], file, TestContext.Current.CancellationToken);

        var edit = Assert.Single(peer.Requests.First().Elements());
        Assert.Equal("edit-config", edit.Name.LocalName);
        Assert.Equal("merge", edit.Elements().Single(e => e.Name.LocalName == "default-operation").Value);
        var config = edit.Elements().Single(e => e.Name.LocalName == "config");
        Assert.Equal([Ncs + "cluster", Ncs + "devices"], config.Elements().Select(e => e.Name));
        Assert.Equal("2023", config.Descendants(Ncs + "port").Single().Value);
        Assert.True(report.Merged);
        Assert.Equal(1, report.InSync);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_upper_whose_netconf_refuses_the_login_fails_every_lower_node_with_the_reason()
    {
        await using var peer = new ScriptedNetconfPeer([], password: "other");

        var report = await new LsaOnboarding(new SshNetNorthboundConnector()).OnboardAsync(UpperOn(peer.Port), ["lsa-lower-1", "lsa-lower-2"], null, TestContext.Current.CancellationToken);

        Assert.Equal(0, report.InSync);
        Assert.All(report.Devices, d => Assert.StartsWith($"NETCONF 127.0.0.1:{peer.Port} as admin refused the login", d.Info, StringComparison.Ordinal));
        Assert.Empty(peer.Requests);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_upper_without_netconf_is_every_lower_nodes_result_and_says_how_to_turn_it_on()
    {
        var plan = TestPlans.Plan("lsa-upper", new NsoIpcEndpoint.Tcp(NsoDeclaration.LoopbackAddress, 4569), runDirectory: _root);

        var report = await new LsaOnboarding(new FakeNorthbound()).OnboardAsync(plan, ["lsa-lower-1"], null, TestContext.Current.CancellationToken);

        Assert.StartsWith("the upper node's NETCONF is off, and NsoDev onboards the lower nodes over NETCONF; turn it on with WithNetconf()", Assert.Single(report.Devices).Info, StringComparison.Ordinal);
    }

    private NsoInstancePlan UpperOn(int netconfPort) =>
        TestPlans.Plan("lsa-upper", new NsoIpcEndpoint.Tcp(NsoDeclaration.LoopbackAddress, 4569), ports: new Dictionary<NsoPortKind, int> { [NsoPortKind.Netconf] = netconfPort }, runDirectory: _root) with
        {
            StartupTimeout = TimeSpan.FromSeconds(10),
        };
}
