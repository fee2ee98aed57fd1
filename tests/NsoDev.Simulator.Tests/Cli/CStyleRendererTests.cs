using System.Xml.Linq;
using NsoDev.Simulator.Cli;

namespace NsoDev.Simulator.Tests.Cli;

public sealed class CStyleRendererTests
{
    private static IReadOnlyList<string> Render(string xml) => CStyleRenderer.Render([XElement.Parse(xml)]);

    [Fact]
    public void A_list_entry_opens_a_block_with_aligned_leaves_and_a_bang_and_containers_prefix_their_children()
    {
        var lines = Render(
            "<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce0</name><address>127.0.0.1</address><port>10022</port>"
            + "<state><admin-state>unlocked</admin-state></state></device></devices>");

        Assert.Equal(
            ["devices device ce0", " address 127.0.0.1", " port    10022", " state admin-state unlocked", "!"],
            lines);
    }

    [Fact]
    public void Entries_nest_with_one_more_space_and_their_own_bang()
    {
        var lines = Render("<aaa><group><name>g</name><user><name>admin</name><uid>1000</uid></user></group></aaa>");

        Assert.Equal(["aaa group g", " user admin", "  uid 1000", " !", "!"], lines);
    }

    [Fact]
    public void A_container_with_several_leaves_repeats_its_name_on_each_line()
    {
        Assert.Equal(["system hostname nso", "system domain example.com"], Render("<system><hostname>nso</hostname><domain>example.com</domain></system>"));
    }

    [Fact]
    public void Values_with_spaces_or_quotes_are_quoted_and_an_empty_leaf_is_its_name_alone()
    {
        var lines = Render("<if><name>eth 0</name><description>say \"hi\"</description><shutdown/></if>");

        Assert.Equal(["if \"eth 0\"", " description \"say \\\"hi\\\"\"", " shutdown", "!"], lines);
    }
}
