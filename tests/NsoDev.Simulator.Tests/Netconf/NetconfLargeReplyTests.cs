using System.Globalization;
using System.Text;
using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Tests.Netconf;

/// <summary>A configuration of about 5 MB goes in with edit-config and comes back whole, in both framings.</summary>
public sealed class NetconfLargeReplyTests
{
    private static readonly XNamespace Nc = NetconfXml.Base;
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";

    private const int DeviceCount = 22_000;

    private static string LargeDevices()
    {
        var xml = new StringBuilder("<devices xmlns=\"http://tail-f.com/ns/ncs\">");
        for (var i = 0; i < DeviceCount; i++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<device><name>ce{i}</name><address>10.{i / 65536}.{i / 256 % 256}.{i % 256}</address><port>{20000 + i}</port>")
                .Append("<description>a simulated customer edge router with a long description to add some weight</description>")
                .Append("<state><admin-state>unlocked</admin-state></state></device>");
        }

        return xml.Append("</devices>").ToString();
    }

    [Theory(Timeout = 60000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_5_MB_configuration_round_trips_whole(bool base11)
    {
        var devices = LargeDevices();
        Assert.True(devices.Length > 5_000_000, $"the test data is only {devices.Length} bytes");
        var server = new NetconfServer(RunningDatastore.InMemory(), new FixedNcsState("6.5", "started", []), NullNorthboundLog.Instance);
        await using var client = await NetconfTestClient.ConnectAsync(server, base11, cancellationToken: TestContext.Current.CancellationToken);

        var edit = await client.RpcAsync($"<edit-config><target><running/></target><config>{devices}</config></edit-config>", "1");
        var reply = await client.RpcAsync("<get-config><source><running/></source></get-config>", "2");

        Assert.NotNull(edit.Element(Nc + "ok"));
        Assert.Equal("2", reply.Attribute("message-id")?.Value);
        var received = reply.Element(Nc + "data")!.Element(Ncs + "devices")!.Elements(Ncs + "device").ToList();
        Assert.Equal(DeviceCount, received.Count);
        Assert.Equal($"ce{DeviceCount - 1}", received[^1].Element(Ncs + "name")?.Value);
        Assert.Equal(XElement.Parse(devices).ToString(SaveOptions.DisableFormatting), reply.Element(Nc + "data")!.Element(Ncs + "devices")!.ToString(SaveOptions.DisableFormatting));
    }

    [Fact(Timeout = 60000)]
    public async Task A_large_reply_under_base_1_1_is_streamed_in_many_bounded_chunks()
    {
        var datastore = RunningDatastore.InMemory(XElement.Parse(LargeDevices()));
        var server = new NetconfServer(datastore, new FixedNcsState("6.5", "started", []), NullNorthboundLog.Instance);
        await using var client = await NetconfTestClient.ConnectAsync(server, base11: true, cancellationToken: TestContext.Current.CancellationToken);

        await client.SendAsync($"<rpc xmlns=\"{NetconfXml.Base}\" message-id=\"1\"><get-config><source><running/></source></get-config></rpc>");
        var raw = await client.ReadRawAsync("\n##\n");

        var sizes = System.Text.RegularExpressions.Regex.Matches(raw, "\n#([0-9]+)\n").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(sizes.Count > 50, $"only {sizes.Count} chunks");
        Assert.All(sizes, size => Assert.InRange(size, 1, server.Limits.ReplyChunkBytes));
    }
}
