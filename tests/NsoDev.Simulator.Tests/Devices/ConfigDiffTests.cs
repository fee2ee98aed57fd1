using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Devices;

namespace NsoDev.Simulator.Tests.Devices;

/// <summary>The edit that carries a device from one configuration to another, and check-sync's comparison.</summary>
public sealed class ConfigDiffTests
{
    private const string Router = "urn:example:router";

    private static List<XElement> Config(string xml) =>
        [.. XElement.Parse($"<c xmlns=\"{Router}\">{xml}</c>").Elements()];

    /// <summary>The edit applied to the old configuration, as the device applies it.</summary>
    private static List<XElement> Applied(List<XElement> from, IReadOnlyList<XElement> edit)
    {
        var root = new XElement(ConfigNamespaces.ConfigWrapper, from.Select(e => new XElement(e)));
        new ConfigEdit(new XElement("config", edit)).ApplyTo(root, EditOperation.Merge);
        return [.. root.Elements()];
    }

    public static TheoryData<string, string> Changes => new()
    {
        { "<sys><hostname>r0</hostname></sys>", "<sys><hostname>r1</hostname></sys>" },
        { "<sys><hostname>r0</hostname><ntp><server><name>10.0.0.1</name></server><server><name>10.0.0.2</name></server></ntp></sys>", "<sys><hostname>r0</hostname><ntp><server><name>10.0.0.2</name></server></ntp></sys>" },
        { "<sys><hostname>r0</hostname></sys>", "<sys><hostname>r0</hostname><ntp><server><name>10.0.0.9</name><prefer/></server></ntp></sys>" },
        { "<sys><hostname>r0</hostname></sys><if><name>eth0</name><mtu>1500</mtu></if>", "<if><name>eth0</name><mtu>9000</mtu></if><if><name>eth1</name></if>" },
        { string.Empty, "<sys><hostname>r0</hostname></sys>" },
        { "<sys><hostname>r0</hostname></sys>", string.Empty },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void The_edit_applied_by_the_device_gives_the_new_configuration(string from, string to)
    {
        var edit = ConfigDiff.Between(Config(from), Config(to));

        Assert.NotEmpty(edit);
        Assert.True(ConfigDiff.Same(Applied(Config(from), edit), Config(to)), string.Concat(edit));
    }

    [Fact]
    public void A_removed_list_entry_is_deleted_by_its_key_and_an_unchanged_one_is_left_out()
    {
        var edit = ConfigDiff.Between(
            Config("<sys><ntp><server><name>10.0.0.1</name></server><server><name>10.0.0.2</name></server></ntp></sys>"),
            Config("<sys><ntp><server><name>10.0.0.2</name></server></ntp></sys>"));

        var server = Assert.Single(edit.Descendants(XName.Get("server", Router)));
        Assert.Equal("delete", server.Attribute(ConfigNamespaces.Operation)?.Value);
        Assert.Equal("10.0.0.1", server.Element(XName.Get("name", Router))?.Value);
    }

    [Fact]
    public void Equal_configurations_give_no_edit_and_are_the_same_in_any_sibling_order()
    {
        var a = Config("<if><name>eth0</name></if><if><name>eth1</name></if>");
        var b = Config("<if><name>eth1</name></if><if><name>eth0</name></if>");

        Assert.Empty(ConfigDiff.Between(a, a));
        Assert.True(ConfigDiff.Same(a, b));
        Assert.False(ConfigDiff.Same(a, Config("<if><name>eth0</name></if>")));
    }
}
