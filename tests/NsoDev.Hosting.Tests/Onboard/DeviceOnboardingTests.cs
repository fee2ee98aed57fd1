using System.Xml.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Onboard;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Onboard;

/// <summary>
/// The onboard step's real NETCONF client (SSH.NET) against a scripted peer whose replies are shaped as
/// NSO's documentation shows them: the requests must be the ones NSO documents, and the documented
/// replies must give each device's result (NSO-NOTES §11, §12).
/// </summary>
public sealed class DeviceOnboardingTests : IDisposable
{
    private static readonly XNamespace Nc = "urn:ietf:params:xml:ns:netconf:base:1.0";
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";
    private static readonly XNamespace Actions = "http://tail-f.com/ns/netconf/actions/1.0";

    // Tail-f's action reply: <data> holding the action's path, the output inside the action's element
    // (nb-netconf's sync-from example); the output lists are the fetch-result and sync-result of
    // [ssh-keys] and [devmgr], with the failure text of [alarms].
    private const string FetchReply = """
        <data><devices xmlns="http://tail-f.com/ns/ncs"><fetch-ssh-host-keys>
          <fetch-result><device>ex0</device><result>updated</result><fingerprint><algorithm>ssh-rsa</algorithm><value>4a:c6:5d:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd</value></fingerprint></fetch-result>
          <fetch-result><device>ex1</device><result>failed</result><info>Failed to connect to device ex1: connection refused</info></fetch-result>
          <fetch-result><device>ex2</device><result>unchanged</result></fetch-result>
        </fetch-ssh-host-keys></devices></data>
        """;

    private const string SyncReply = """
        <data><devices xmlns="http://tail-f.com/ns/ncs"><sync-from>
          <sync-result><device>ex0</device><result>true</result></sync-result>
          <sync-result><device>ex1</device><result>false</result></sync-result>
          <sync-result><device>ex2</device><result>false</result><info>Failed to authenticate towards device ex2: Permission denied</info></sync-result>
        </sync-from></devices></data>
        """;

    private static readonly string[] ActionsInOrder = ["fetch-ssh-host-keys", "sync-from"];

    private readonly string _root = Directory.CreateTempSubdirectory("nsodev-onboard-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact(Timeout = 60_000)]
    public async Task Fetches_keys_then_syncs_with_the_documented_actions_and_gives_each_device_its_result()
    {
        await using var peer = new ScriptedNetconfPeer([FetchReply, SyncReply]);
        var plan = PlanOn(peer.Port, "ex0", "ex1", "ex2", "ex3");

        var report = await new DeviceOnboarding(new SshNetNorthboundConnector(), NullLogger.Instance).OnboardAsync(plan, mergeInitData: false, TestContext.Current.CancellationToken);

        var requests = peer.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(Nc + "rpc", r.Name));
        foreach (var (request, action) in requests.Zip(ActionsInOrder))
        {
            // <action xmlns=tail-f><data><devices xmlns=ncs><ACTION/></devices></data></action>, as NSO's NETCONF chapter writes it.
            var element = Assert.Single(request.Elements());
            Assert.Equal(Actions + "action", element.Name);
            var data = Assert.Single(element.Elements());
            Assert.Equal(Actions + "data", data.Name);
            var devices = Assert.Single(data.Elements());
            Assert.Equal(Ncs + "devices", devices.Name);
            var called = Assert.Single(devices.Elements());
            Assert.Equal(Ncs + action, called.Name);
            Assert.Empty(called.Nodes());
        }

        Assert.Equal(
            [
                new DeviceSyncResult("ex0", true, null),
                new DeviceSyncResult("ex1", false, "fetch-ssh-host-keys failed: Failed to connect to device ex1: connection refused"),
                new DeviceSyncResult("ex2", false, "Failed to authenticate towards device ex2: Permission denied"),
                new DeviceSyncResult("ex3", false, "sync-from did not report ex3; check that /devices/device{ex3} exists (the devices' init data in ncs-cdb/ loads only into an empty CDB)"),
            ],
            report.Devices);
        Assert.Equal(1, report.InSync);
        Assert.False(report.Merged);
    }

    [Fact(Timeout = 60_000)]
    public async Task Merges_the_init_files_devices_into_running_first_when_asked()
    {
        await using var peer = new ScriptedNetconfPeer(["<ok/>", FetchReply, SyncReply]);
        var plan = PlanOn(peer.Port, "ex0");
        Directory.CreateDirectory(plan.RunDirectory.CdbDirectory);

        // ncs-xml-init's own shape (NSO-TOPOLOGIES §3): a devices element, one device per netsim device.
        await File.WriteAllTextAsync(plan.RunDirectory.NetsimInitFile, """
            <devices xmlns="http://tail-f.com/ns/ncs">
              <device><name>ex0</name><address>127.0.0.1</address><port>16000</port><authgroup>default</authgroup>
                <device-type><netconf><ned-id xmlns:router-nc-1.1="http://tail-f.com/ns/ned-id/router-nc-1.1">router-nc-1.1:router-nc-1.1</ned-id></netconf></device-type>
                <state><admin-state>unlocked</admin-state></state></device>
            </devices>
            """, TestContext.Current.CancellationToken);

        var report = await new DeviceOnboarding(new SshNetNorthboundConnector(), NullLogger.Instance).OnboardAsync(plan, mergeInitData: true, TestContext.Current.CancellationToken);

        Assert.True(report.Merged);
        Assert.True(Assert.Single(report.Devices).InSync);
        var edit = Assert.Single(peer.Requests.First().Elements());
        Assert.Equal(Nc + "edit-config", edit.Name);
        Assert.NotNull(edit.Element(Nc + "target")?.Element(Nc + "running"));
        Assert.Equal("merge", edit.Element(Nc + "default-operation")?.Value);
        var device = Assert.Single(edit.Element(Nc + "config")!.Element(Ncs + "devices")!.Elements(Ncs + "device"));
        Assert.Equal(("ex0", "16000"), (device.Element(Ncs + "name")?.Value, device.Element(Ncs + "port")?.Value));
        Assert.Equal(["edit-config", "action", "action"], peer.Requests.Select(r => r.Elements().Single().Name.LocalName));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_rpc_error_marks_every_device_not_in_sync_with_the_instances_words()
    {
        await using var peer = new ScriptedNetconfPeer(["""<rpc-error><error-type>application</error-type><error-tag>access-denied</error-tag><error-severity>error</error-severity><error-message xml:lang="en">access denied</error-message></rpc-error>"""]);
        var plan = PlanOn(peer.Port, "ex0", "ex1");

        var report = await new DeviceOnboarding(new SshNetNorthboundConnector(), NullLogger.Instance).OnboardAsync(plan, mergeInitData: false, TestContext.Current.CancellationToken);

        Assert.Equal(0, report.InSync);
        Assert.All(report.Devices, d => Assert.Equal($"NETCONF 127.0.0.1:{peer.Port} as admin: <action> failed: access-denied: access denied", d.Info));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_refused_login_says_which_credentials_nsodev_used()
    {
        await using var peer = new ScriptedNetconfPeer([], password: "changed");
        var plan = PlanOn(peer.Port, "ex0");

        var report = await new DeviceOnboarding(new SshNetNorthboundConnector(), NullLogger.Instance).OnboardAsync(plan, mergeInitData: false, TestContext.Current.CancellationToken);

        var result = Assert.Single(report.Devices);
        Assert.False(result.InSync);
        Assert.StartsWith($"NETCONF 127.0.0.1:{peer.Port} as admin refused the login", result.Info, StringComparison.Ordinal);
        Assert.Contains("admin/admin", result.Info, StringComparison.Ordinal);
        Assert.Empty(peer.Requests);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_instance_that_does_not_listen_is_reported_after_a_few_tries_not_waited_for()
    {
        var port = FreePort();
        var plan = PlanOn(port, "ex0");

        var report = await new DeviceOnboarding(new SshNetNorthboundConnector(), NullLogger.Instance).OnboardAsync(plan, mergeInitData: false, TestContext.Current.CancellationToken);

        Assert.StartsWith($"Could not open NETCONF 127.0.0.1:{port} as admin: ", Assert.Single(report.Devices).Info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_netconf_off_each_device_says_how_to_onboard()
    {
        var plan = PlanOn(null, "ex0");

        var report = await new DeviceOnboarding(new FakeNorthbound(), NullLogger.Instance).OnboardAsync(plan, mergeInitData: false, TestContext.Current.CancellationToken);

        Assert.Contains("turn it on with WithNetconf()", Assert.Single(report.Devices).Info, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0", "127.0.0.1")]
    [InlineData("::", "::1")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("192.0.2.10", "192.0.2.10")]
    public void A_wildcard_northbound_is_reached_on_loopback(string listen, string dialed)
    {
        var plan = PlanOn(2022, "ex0") with { NorthboundAddress = listen };

        Assert.Equal(dialed, DeviceOnboarding.TargetOf(plan)!.Host);
    }

    [Fact]
    public void YANG_1_1_action_replies_with_the_output_under_rpc_reply_are_read_too()
    {
        // RFC 7950 §7.15.2: the action's output elements are the children of rpc-reply.
        var reply = XElement.Parse("""
            <rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1">
              <sync-result xmlns="http://tail-f.com/ns/ncs"><device>ce0</device><result>true</result></sync-result>
              <sync-result xmlns="http://tail-f.com/ns/ncs"><device>ce1</device><result>false</result><info>  </info></sync-result>
            </rpc-reply>
            """);

        var results = DeviceOnboarding.SyncResults(reply);

        Assert.Equal((true, (string?)null), results["ce0"]);
        Assert.Equal((false, (string?)null), results["ce1"]);
    }

    private NsoInstancePlan PlanOn(int? netconfPort, params string[] devices)
    {
        var ports = netconfPort is { } port ? new Dictionary<NsoPortKind, int> { [NsoPortKind.Netconf] = port } : [];
        var bases = NetsimPortKinds.All.ToDictionary(k => k, k => k.RangeStart());
        var netsim = new NetsimPlan([new NetsimDeclaration("/p/router-nc-1.1", devices.Length, "ex")], new NetsimPorts(bases, devices.Length), Path.Combine(_root, "nso-1", "netsim"));
        Assert.Equal(devices, netsim.Devices.Select(d => d.Name));
        return TestPlans.Plan("nso-1", new NsoIpcEndpoint.Tcp(NsoDeclaration.LoopbackAddress, 4569), ports: ports, runDirectory: _root) with
        {
            Netsim = netsim,
            StartupTimeout = TimeSpan.FromSeconds(10),
        };
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
