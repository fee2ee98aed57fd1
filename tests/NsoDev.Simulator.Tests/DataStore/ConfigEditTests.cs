using System.Xml.Linq;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Tests.DataStore;

/// <summary>edit-config semantics without YANG (RFC 6241 section 7.2), on trees in memory.</summary>
public sealed class ConfigEditTests
{
    private const string Nc = "xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"";

    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";

    private static XElement Running(string data) =>
        XElement.Parse($"<config xmlns=\"http://tail-f.com/ns/config/1.0\">{data}</config>");

    private static XElement Edit(string data) =>
        XElement.Parse($"<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" {Nc}>{data}</config>");

    private static XElement Apply(string running, string edit, EditOperation defaultOperation = EditOperation.Merge)
    {
        var root = Running(running);
        new ConfigEdit(Edit(edit)).ApplyTo(root, defaultOperation);
        return root;
    }

    private static string Devices(string inner) => $"<devices xmlns=\"http://tail-f.com/ns/ncs\">{inner}</devices>";

    private static string Device(string name, string rest = "", string attributes = "") =>
        $"<device{attributes}><name>{name}</name>{rest}</device>";

    private static IEnumerable<XElement> DevicesOf(XElement root) => root.Elements(Ncs + "devices").Elements(Ncs + "device");

    private static XElement DeviceOf(XElement root, string name) =>
        Assert.Single(DevicesOf(root), d => (string?)d.Element(Ncs + "name") == name);

    [Fact]
    public void Merge_adds_a_new_list_entry_beside_the_existing_ones()
    {
        var root = Apply(Devices(Device("ce0")), Devices(Device("ce1", "<address>10.0.0.2</address>")));

        Assert.Equal(["ce0", "ce1"], DevicesOf(root).Select(d => (string?)d.Element(Ncs + "name")));
    }

    [Fact]
    public void Merge_into_an_entry_with_the_same_name_key_replaces_leaf_values_and_keeps_the_others()
    {
        var root = Apply(
            Devices(Device("ce0", "<address>10.0.0.1</address><port>22</port>")),
            Devices(Device("ce0", "<address>10.0.0.9</address>")));

        var device = DeviceOf(root, "ce0");
        Assert.Equal("10.0.0.9", (string?)device.Element(Ncs + "address"));
        Assert.Equal("22", (string?)device.Element(Ncs + "port"));
    }

    [Fact]
    public void An_id_leaf_is_the_key_when_there_is_no_name_leaf()
    {
        var root = Apply(
            "<rules xmlns=\"urn:x\"><rule><action>deny</action><id>1</id></rule></rules>",
            "<rules xmlns=\"urn:x\"><rule><action>permit</action><id>1</id></rule><rule><action>deny</action><id>2</id></rule></rules>");

        var rules = root.Descendants(XName.Get("rule", "urn:x")).ToList();
        Assert.Equal(2, rules.Count);
        Assert.Equal("permit", (string?)rules[0].Element(XName.Get("action", "urn:x")));
    }

    [Fact]
    public void The_first_leaf_is_the_key_when_there_is_no_name_id_or_key_leaf()
    {
        var root = Apply(
            "<servers xmlns=\"urn:x\"><server><address>10.0.0.1</address><port>53</port></server></servers>",
            "<servers xmlns=\"urn:x\"><server><address>10.0.0.2</address><port>53</port></server><server><address>10.0.0.1</address><port>5353</port></server></servers>");

        var servers = root.Descendants(XName.Get("server", "urn:x")).ToList();
        Assert.Equal(["10.0.0.1", "10.0.0.2"], servers.Select(s => (string?)s.Element(XName.Get("address", "urn:x"))));
        Assert.Equal("5353", (string?)servers[0].Element(XName.Get("port", "urn:x")));
    }

    [Fact]
    public void A_container_without_leaves_matches_by_name_alone()
    {
        var root = Apply(Devices(Device("ce0")), Devices(Device("ce1")));

        Assert.Single(root.Elements(Ncs + "devices"));
    }

    [Fact]
    public void Replace_swaps_the_whole_entry_so_leaves_not_sent_are_gone()
    {
        var root = Apply(
            Devices(Device("ce0", "<address>10.0.0.1</address><port>22</port>")),
            Devices(Device("ce0", "<address>10.0.0.9</address>", " nc:operation=\"replace\"")));

        var device = DeviceOf(root, "ce0");
        Assert.Equal("10.0.0.9", (string?)device.Element(Ncs + "address"));
        Assert.Null(device.Element(Ncs + "port"));
        Assert.Null(device.Attribute(XName.Get("operation", "urn:ietf:params:xml:ns:netconf:base:1.0")));
    }

    [Fact]
    public void Create_of_an_existing_entry_is_data_exists_with_its_path()
    {
        var error = Assert.Throws<DataStoreException>(() => Apply(Devices(Device("ce0")), Devices(Device("ce0", "", " nc:operation=\"create\""))));

        Assert.Equal(DataStoreError.DataExists, error.Error);
        Assert.Equal("/devices/device[name='ce0']", error.Path);
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_of_a_missing_entry_adds_it()
    {
        var root = Apply(Devices(string.Empty), Devices(Device("ce0", "<port>22</port>", " nc:operation=\"create\"")));

        Assert.Equal("22", (string?)DeviceOf(root, "ce0").Element(Ncs + "port"));
    }

    [Fact]
    public void Delete_removes_the_entry_with_that_key_only()
    {
        var root = Apply(Devices(Device("ce0") + Device("ce1")), Devices(Device("ce0", "", " nc:operation=\"delete\"")));

        Assert.Equal(["ce1"], DevicesOf(root).Select(d => (string?)d.Element(Ncs + "name")));
    }

    [Fact]
    public void Delete_of_a_missing_entry_is_data_missing()
    {
        var error = Assert.Throws<DataStoreException>(() => Apply(Devices(Device("ce0")), Devices(Device("ce9", "", " nc:operation=\"delete\""))));

        Assert.Equal(DataStoreError.DataMissing, error.Error);
        Assert.Equal("/devices/device[name='ce9']", error.Path);
    }

    [Fact]
    public void Remove_of_a_missing_entry_is_not_an_error()
    {
        var root = Apply(Devices(Device("ce0")), Devices(Device("ce9", "", " nc:operation=\"remove\"")));

        Assert.Single(DevicesOf(root));
    }

    [Fact]
    public void Delete_of_a_leaf_removes_just_that_leaf()
    {
        var root = Apply(
            Devices(Device("ce0", "<address>10.0.0.1</address><port>22</port>")),
            Devices(Device("ce0", "<port nc:operation=\"delete\"/>")));

        Assert.Null(DeviceOf(root, "ce0").Element(Ncs + "port"));
        Assert.NotNull(DeviceOf(root, "ce0").Element(Ncs + "address"));
    }

    [Fact]
    public void An_unknown_operation_is_bad_attribute_naming_the_element()
    {
        var error = Assert.Throws<DataStoreException>(() => Apply(string.Empty, Devices(Device("ce0", "", " nc:operation=\"upsert\""))));

        Assert.Equal(DataStoreError.BadAttribute, error.Error);
        Assert.Contains(new KeyValuePair<string, string>("bad-element", "device"), error.Info);
    }

    [Fact]
    public void Default_operation_replace_replaces_the_whole_configuration()
    {
        var root = Apply(
            Devices(Device("ce0")) + "<system xmlns=\"urn:x\"><hostname>a</hostname></system>",
            Devices(Device("ce1")),
            EditOperation.Replace);

        Assert.Equal(["ce1"], DevicesOf(root).Select(d => (string?)d.Element(Ncs + "name")));
        Assert.Null(root.Element(XName.Get("system", "urn:x")));
    }

    [Fact]
    public void Default_operation_none_leaves_running_alone_except_where_an_operation_is_given()
    {
        var root = Apply(
            Devices(Device("ce0", "<address>10.0.0.1</address><port>22</port>")),
            Devices(Device("ce0", "<address>10.9.9.9</address><port nc:operation=\"delete\"/>")),
            EditOperation.None);

        var device = DeviceOf(root, "ce0");
        Assert.Equal("10.0.0.1", (string?)device.Element(Ncs + "address"));
        Assert.Null(device.Element(Ncs + "port"));
    }

    [Fact]
    public void Default_operation_none_creates_the_parents_of_a_nested_create_with_their_keys()
    {
        var root = Apply(
            string.Empty,
            Devices(Device("ce0", "<address nc:operation=\"create\">10.0.0.1</address>")),
            EditOperation.None);

        Assert.Equal("10.0.0.1", (string?)DeviceOf(root, "ce0").Element(Ncs + "address"));
    }

    [Fact]
    public void Default_operation_none_ignores_data_missing_from_running_without_an_operation()
    {
        var root = Apply(string.Empty, Devices(Device("ce0")), EditOperation.None);

        Assert.Empty(root.Elements());
    }

    [Fact]
    public void A_large_edit_matches_entries_exactly_as_a_small_one_does()
    {
        var running = Devices(string.Concat(Enumerable.Range(0, 20).Select(i => Device($"ce{i}", "<port>22</port>"))));
        var edit = Devices(
            Device("ce3", "<port>830</port>")
            + Device("ce4", "<address>10.0.0.4</address>", " nc:operation=\"replace\"")
            + Device("ce5", string.Empty, " nc:operation=\"delete\"")
            + Device("ce6", string.Empty, " nc:operation=\"remove\"")
            + Device("new", "<port>1</port>", " nc:operation=\"create\"")
            + Device("new", "<port>2</port>")
            + string.Concat(Enumerable.Range(7, 6).Select(i => Device($"ce{i}", "<port>23</port>"))));

        var root = Apply(running, edit);

        Assert.Equal(19, DevicesOf(root).Count());
        Assert.Equal("830", (string?)DeviceOf(root, "ce3").Element(Ncs + "port"));
        Assert.Null(DeviceOf(root, "ce4").Element(Ncs + "port"));
        Assert.Equal("2", (string?)DeviceOf(root, "new").Element(Ncs + "port"));
        Assert.Equal("23", (string?)DeviceOf(root, "ce12").Element(Ncs + "port"));
        Assert.Equal(["ce3", "ce4", "ce7"], DevicesOf(root).Skip(3).Take(3).Select(d => (string?)d.Element(Ncs + "name")));
    }

    [Fact]
    public void A_prefix_used_in_a_value_stays_declared_on_the_stored_node()
    {
        var edit = XElement.Parse(
            "<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" xmlns:ios=\"urn:ios-id\">"
            + "<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce0</name><ned-id>ios:cisco-ios</ned-id></device></devices></config>");
        var root = Running(string.Empty);

        new ConfigEdit(edit).ApplyTo(root, EditOperation.Merge);
        var stored = XElement.Parse(root.ToString());

        Assert.Equal("urn:ios-id", stored.Descendants(Ncs + "ned-id").Single().GetNamespaceOfPrefix("ios")?.NamespaceName);
        Assert.DoesNotContain("netconf:base", stored.ToString(), StringComparison.Ordinal);
    }
}
