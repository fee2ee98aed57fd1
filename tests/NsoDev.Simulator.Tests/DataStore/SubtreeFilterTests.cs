using System.Xml.Linq;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Tests.DataStore;

/// <summary>Subtree filtering (RFC 6241 section 6) over a small devices tree.</summary>
public sealed class SubtreeFilterTests
{
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";

    private static readonly XElement[] Data =
    [
        XElement.Parse(
            "<devices xmlns=\"http://tail-f.com/ns/ncs\">"
            + "<device><name>ce0</name><address>10.0.0.1</address><port>22</port></device>"
            + "<device><name>ce1</name><address>10.0.0.2</address><port>830</port></device>"
            + "</devices>"),
        XElement.Parse("<system xmlns=\"urn:x\"><hostname>nso</hostname></system>"),
    ];

    private static IReadOnlyList<XElement> Select(string filter) =>
        SubtreeFilter.Select(Data, XElement.Parse($"<filter xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" type=\"subtree\">{filter}</filter>"));

    [Fact]
    public void A_selection_node_selects_the_whole_subtree_and_nothing_else()
    {
        var result = Select("<devices xmlns=\"http://tail-f.com/ns/ncs\"/>");

        Assert.Equal(Data[0].ToString(), Assert.Single(result).ToString());
    }

    [Fact]
    public void A_content_match_node_keeps_only_the_matching_list_entry_whole()
    {
        var result = Select("<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce1</name></device></devices>");

        var device = Assert.Single(Assert.Single(result).Elements(Ncs + "device"));
        Assert.Equal("ce1", (string?)device.Element(Ncs + "name"));
        Assert.Equal("830", (string?)device.Element(Ncs + "port"));
    }

    [Fact]
    public void Content_match_with_a_selection_node_returns_the_key_and_the_selected_leaf()
    {
        var result = Select("<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce0</name><address/></device></devices>");

        var device = Assert.Single(Assert.Single(result).Elements(Ncs + "device"));
        Assert.Equal(["name", "address"], device.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void A_containment_node_with_selection_nodes_returns_those_leaves_of_every_entry()
    {
        var result = Select("<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><port/></device></devices>");

        Assert.Equal(["22", "830"], Assert.Single(result).Descendants(Ncs + "port").Select(p => p.Value));
        Assert.Empty(result[0].Descendants(Ncs + "address"));
    }

    [Fact]
    public void A_content_match_that_matches_nothing_selects_nothing()
    {
        Assert.Empty(Select("<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce9</name></device></devices>"));
    }

    [Fact]
    public void A_filter_node_without_a_namespace_matches_any_namespace()
    {
        var result = Select("<system xmlns=\"\"><hostname/></system>");

        Assert.Equal("nso", Assert.Single(result).Value);
    }

    [Fact]
    public void A_node_in_another_namespace_does_not_match()
    {
        Assert.Empty(Select("<devices xmlns=\"urn:other\"/>"));
    }

    [Fact]
    public void An_empty_filter_selects_nothing()
    {
        Assert.Empty(Select(string.Empty));
    }

    [Fact]
    public void Two_sibling_filters_on_the_same_list_add_up_into_one_result()
    {
        var result = Select(
            "<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce0</name><port/></device></devices>"
            + "<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce1</name><port/></device></devices>");

        Assert.Equal(["22", "830"], Assert.Single(result).Descendants(Ncs + "port").Select(p => p.Value));
    }

    [Fact]
    public void The_result_is_a_copy_so_changing_it_leaves_the_data_alone()
    {
        var result = Select("<system xmlns=\"urn:x\"/>");

        result[0].RemoveAll();

        Assert.Equal("nso", Data[1].Value);
    }
}
