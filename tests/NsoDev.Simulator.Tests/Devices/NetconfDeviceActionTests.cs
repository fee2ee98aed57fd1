using System.Globalization;
using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Devices;
using NsoDev.Simulator.Netconf;
using NsoDev.Simulator.Tests.Netconf;

namespace NsoDev.Simulator.Tests.Devices;

/// <summary>The device actions over an in-memory NETCONF session, against a device whose port is closed.</summary>
public sealed class NetconfDeviceActionTests
{
    private static readonly XNamespace Nc = NetconfXml.Base;
    private static readonly XNamespace Ncs = NcsDevicesXml.Ns;
    private static readonly FixedNcsState State = new("6.5", "started", []);

    private readonly RecordingNorthboundLog _log = new();
    private readonly NetconfServer _server;
    private readonly int _closedPort = FreePorts.One();

    public NetconfDeviceActionTests()
    {
        var datastore = RunningDatastore.InMemory(XElement.Parse($"""
            <devices xmlns="http://tail-f.com/ns/ncs">
              <authgroups><group><name>default</name><default-map><remote-name>admin</remote-name><remote-password>admin</remote-password></default-map></group></authgroups>
              <device><name>d0</name><address>127.0.0.1</address><port>{_closedPort.ToString(CultureInfo.InvariantCulture)}</port></device>
            </devices>
            """));
        _server = new NetconfServer(datastore, State, _log) { Devices = new DeviceManager(datastore, _log) };
    }

    [Fact(Timeout = 30_000)]
    public async Task A_yang_action_on_all_devices_answers_one_result_per_device_directly_in_the_reply()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var reply = await client.RpcAsync("<action xmlns=\"urn:ietf:params:xml:ns:yang:1\"><devices xmlns=\"http://tail-f.com/ns/ncs\"><sync-from/></devices></action>");

        var result = Assert.Single(reply.Elements(Ncs + "sync-result"));
        Assert.Equal("d0", result.Element(Ncs + "device")?.Value);
        Assert.Equal("false", result.Element(Ncs + "result")?.Value);
        Assert.Equal("Failed to connect to device d0: connection refused", result.Element(Ncs + "info")?.Value);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_tailf_action_form_is_answered_inside_data_down_the_requests_path()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var reply = await client.RpcAsync("<action xmlns=\"http://tail-f.com/ns/netconf/actions/1.0\"><data><devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>d0</name><check-sync/></device></devices></data></action>");

        var output = reply.Element(Nc + "data")?.Element(Ncs + "devices")?.Element(Ncs + "device")?.Element(Ncs + "check-sync");
        Assert.NotNull(output);
        Assert.Equal("error", output.Element(Ncs + "result")?.Value);
        Assert.Equal("Failed to connect to device d0: connection refused", output.Element(Ncs + "info")?.Value);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_action_on_a_device_that_does_not_exist_is_invalid_value_listing_the_devices()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var reply = await client.RpcAsync("<action xmlns=\"urn:ietf:params:xml:ns:yang:1\"><devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>d9</name><connect/></device></devices></action>");

        var error = Assert.Single(reply.Elements(Nc + "rpc-error"));
        Assert.Equal("invalid-value", error.Element(Nc + "error-tag")?.Value);
        Assert.Contains("no device d9 in /devices/device; add it first (the devices are: d0)", error.Element(Nc + "error-message")?.Value, StringComparison.Ordinal);
    }
}
