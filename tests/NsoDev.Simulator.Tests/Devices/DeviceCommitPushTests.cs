using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Devices;
using NsoDev.Simulator.Tests.Netconf;

namespace NsoDev.Simulator.Tests.Devices;

/// <summary>A commit under /devices/device/config without a reachable device, on an in-memory datastore.</summary>
public sealed class DeviceCommitPushTests
{
    private static XElement Edit(string device) => XElement.Parse($"""
        <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
          <devices xmlns="http://tail-f.com/ns/ncs">{device}</devices>
        </config>
        """);

    private static RunningDatastore WithPush(int port)
    {
        var datastore = RunningDatastore.InMemory(XElement.Parse($"""
            <devices xmlns="http://tail-f.com/ns/ncs">
              <authgroups><group><name>default</name><default-map><remote-name>admin</remote-name><remote-password>admin</remote-password></default-map></group></authgroups>
              <device><name>d0</name><address>127.0.0.1</address><port>{port}</port><authgroup>default</authgroup></device>
            </devices>
            """));
        datastore.Participant = new DeviceCommitPush(new RecordingNorthboundLog());
        return datastore;
    }

    [Fact]
    public void A_config_change_for_an_unreachable_device_fails_the_commit_naming_the_device_and_leaves_running_unchanged()
    {
        var datastore = WithPush(FreePorts.One());
        var before = datastore.Current;

        var error = Assert.Throws<DataStoreException>(() =>
            datastore.Edit(1, Edit("<device><name>d0</name><config><sys xmlns=\"urn:example:router\"><hostname>r1</hostname></sys></config></device>"), EditOperation.Merge));

        Assert.Equal("Failed to connect to device d0: connection refused", error.Message);
        Assert.Equal("/devices/device{d0}/config", error.Path);
        Assert.Same(before, datastore.Current);
    }

    [Fact]
    public void A_change_outside_the_device_config_commits_without_contacting_the_device()
    {
        var datastore = WithPush(FreePorts.One());

        datastore.Edit(1, Edit("<device><name>d0</name><description>lab router</description></device>"), EditOperation.Merge);

        Assert.Contains("lab router", datastore.Current.ToConfigXml().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Results_the_daemon_stores_itself_do_not_go_to_the_device()
    {
        var datastore = WithPush(FreePorts.One());

        datastore.Update(0, root =>
        {
            NcsDevicesXml.DeviceEntryIn(root, "d0").Add(new XElement(NcsDevicesXml.Ns + "config", new XElement(XName.Get("sys", "urn:example:router"), "x")));
            return true;
        });

        Assert.Single(NcsDevicesXml.DeviceConfig(NcsDevicesXml.DeviceEntry(datastore.Current.Nodes, "d0")));
    }
}
