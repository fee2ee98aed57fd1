using System.Xml.Linq;
using NsoDev.Simulator.Cli;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Devices;
using NsoDev.Simulator.Netconf;
using NsoDev.Simulator.Tests.Netconf;

namespace NsoDev.Simulator.Tests.Lsa;

/// <summary>
/// An LSA device as nso-sim's device manager reads it, without sockets: its remote node's address, port and
/// cluster authgroup, the cluster authgroup's same-user and same-pass, the factory default group, and the
/// cluster action's request forms and CLI syntax (NSO-NOTES §16).
/// </summary>
public sealed class LsaDeviceTests
{
    private static readonly XNamespace Ncs = NcsDevicesXml.Ns;

    /// <summary>The length of the prompt <c>admin@ncs# </c>, where the typed line starts.</summary>
    private const int Prompt = 11;

    private static List<XElement> Running(string cluster, string devices, string aaa = "") =>
        XElement.Parse($"""
            <config xmlns="http://tail-f.com/ns/config/1.0">
              <cluster xmlns="http://tail-f.com/ns/ncs">{cluster}</cluster>
              <devices xmlns="http://tail-f.com/ns/ncs">{devices}</devices>
              {aaa}
            </config>
            """).Elements().ToList();

    private const string LsaDevice = "<device><name>lower-1</name><lsa-remote-node>lower-1</lsa-remote-node><address>10.9.9.9</address><port>9999</port><authgroup>devices-group</authgroup><device-type><netconf><ned-id xmlns:ned=\"http://tail-f.com/ns/ncs-ned\">ned:lsa-netconf</ned-id></netconf></device-type></device>";

    [Fact]
    public void An_lsa_device_takes_its_remote_nodes_address_port_and_cluster_authgroup_instead_of_its_own()
    {
        var running = Running("<remote-node><name>lower-1</name><address>127.0.0.1</address><port>2023</port><authgroup>cluster-group</authgroup></remote-node>", LsaDevice);

        var device = Assert.Single(NcsDevicesXml.Read(running));

        Assert.Equal(("127.0.0.1", 2023, "cluster-group", "lower-1", "lsa-netconf"), (device.Address, device.Port, device.AuthGroup, device.LsaRemoteNode, device.NedId));
        Assert.Null(device.Problem);
    }

    [Fact]
    public void A_remote_node_without_address_or_port_is_reached_by_its_name_on_port_830()
    {
        var running = Running("<remote-node><name>lower-1</name><authgroup>default</authgroup></remote-node>", LsaDevice);

        var device = Assert.Single(NcsDevicesXml.Read(running));

        Assert.Equal(("lower-1", 830), (device.Address, device.Port));
    }

    [Fact]
    public void A_missing_remote_node_is_the_devices_problem_naming_the_ones_there_are()
    {
        var running = Running("<remote-node><name>lower-2</name><authgroup>default</authgroup></remote-node>", LsaDevice);

        var device = Assert.Single(NcsDevicesXml.Read(running));

        Assert.Equal("lsa-remote-node lower-1 names no /cluster/remote-node{lower-1}; add it with the lower node's address, NETCONF port and a cluster authgroup (the remote nodes are: lower-2)", device.Problem);
    }

    [Fact]
    public void Same_user_and_same_pass_give_the_local_user_its_own_name_and_the_password_it_logs_in_with()
    {
        const string Group = "<authgroup><name>default</name><default-map><same-user/><same-pass/></default-map></authgroup>";
        var noUsers = Running(Group, "");
        var withUsers = Running(Group, "", "<aaa xmlns=\"http://tail-f.com/ns/aaa/1.1\"><authentication><users><user><name>alice</name><password>$0$wonder</password></user><user><name>bob</name></user></users></authentication></aaa>");
        var entry = ClusterXml.AuthGroupEntry(noUsers, "default")!;

        Assert.Equal(new DeviceCredentials("admin", "admin"), NcsDevicesXml.CredentialsIn(entry, "cluster authgroup default", noUsers, "admin").Credentials);
        Assert.Equal(new DeviceCredentials("alice", "wonder"), NcsDevicesXml.CredentialsIn(entry, "cluster authgroup default", withUsers, "alice").Credentials);
        var (none, problem) = NcsDevicesXml.CredentialsIn(entry, "cluster authgroup default", withUsers, "bob");
        Assert.Null(none);
        Assert.Equal("cluster authgroup default gives bob no password for same-pass (nso-sim reads it from /aaa/authentication/users/user{bob}/password, plain or $0$)", problem);
    }

    [Fact]
    public void The_factory_defaults_hold_the_cluster_authgroup_default_beside_the_device_authgroup_default()
    {
        var defaults = FactoryDefaults.Config().Elements().ToList();

        var cluster = ClusterXml.AuthGroupEntry(defaults, "default");
        Assert.NotNull(cluster?.Element(Ncs + "default-map")?.Element(Ncs + "same-user"));
        Assert.NotNull(cluster?.Element(Ncs + "default-map")?.Element(Ncs + "same-pass"));
        Assert.Equal(new DeviceCredentials("admin", "admin"), NcsDevicesXml.Credentials(defaults, "default", "admin").Credentials);
    }

    [Theory]
    [InlineData("<action xmlns=\"urn:ietf:params:xml:ns:yang:1\"><cluster xmlns=\"http://tail-f.com/ns/ncs\"><remote-node><name>lower-1</name><ssh><fetch-host-keys/></ssh></remote-node></cluster></action>")]
    [InlineData("<action xmlns=\"http://tail-f.com/ns/netconf/actions/1.0\"><data><cluster xmlns=\"http://tail-f.com/ns/ncs\"><remote-node><name>lower-1</name><ssh><fetch-host-keys/></ssh></remote-node></cluster></data></action>")]
    public void Both_action_forms_name_the_remote_node_whose_keys_to_fetch(string request)
    {
        Assert.Equal("lower-1", NetconfDeviceActions.RemoteNodeOf(XElement.Parse(request)));
    }

    [Fact]
    public void A_device_action_is_not_a_cluster_action_and_another_cluster_action_is_not_supported_naming_the_one_that_is()
    {
        var devices = XElement.Parse("<action xmlns=\"urn:ietf:params:xml:ns:yang:1\"><devices xmlns=\"http://tail-f.com/ns/ncs\"><sync-from/></devices></action>");
        var other = XElement.Parse("<action xmlns=\"urn:ietf:params:xml:ns:yang:1\"><cluster xmlns=\"http://tail-f.com/ns/ncs\"><remote-node><name>lower-1</name><connect/></remote-node></cluster></action>");

        var error = Assert.Throws<NetconfRpcException>(() => NetconfDeviceActions.RemoteNodeOf(other)).Error;

        Assert.Null(NetconfDeviceActions.RemoteNodeOf(devices));
        Assert.Equal("operation-not-supported", error.Tag);
        Assert.Contains("no such action on /cluster/remote-node{lower-1}; on /cluster nso-sim runs only remote-node{NAME}/ssh/fetch-host-keys", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cluster remote-node lower-1", Prompt + 28, "incomplete command")]
    [InlineData("cluster remote-node lower-1 ssh fetch-host-keys now", Prompt + 48, "unknown argument")]
    [InlineData("cluster remote-nodes lower-1 ssh fetch-host-keys", Prompt + 8, "unknown argument")]
    public void A_bad_cluster_command_gets_the_caret_under_the_problem(string line, int caret, string problem)
    {
        var cli = new CliCommands(RunningDatastore.InMemory(), new FixedNcsState("6.5", "phase2", []), new DeviceManager(RunningDatastore.InMemory(), new RecordingNorthboundLog()));

        var outcome = cli.Run(line, Prompt);

        Assert.True(outcome.Failed);
        Assert.Equal([new string('-', caret) + "^", "syntax error: " + problem], outcome.Lines);
    }

    [Fact]
    public void Fetching_the_keys_of_a_remote_node_that_is_not_configured_is_an_error_naming_the_ones_that_are()
    {
        var datastore = RunningDatastore.InMemory(XElement.Parse("<config xmlns=\"http://tail-f.com/ns/config/1.0\"><cluster xmlns=\"http://tail-f.com/ns/ncs\"><remote-node><name>lower-1</name><authgroup>default</authgroup></remote-node></cluster></config>"));
        var cli = new CliCommands(datastore, new FixedNcsState("6.5", "phase2", []), new DeviceManager(datastore, new RecordingNorthboundLog()));

        var outcome = cli.Run("cluster remote-node lower-9 ssh fetch-host-keys", 0);

        Assert.True(outcome.Failed);
        Assert.Equal(["Error: no remote node lower-9 in /cluster/remote-node; add it first (the remote nodes are: lower-1)"], outcome.Lines);
    }
}
