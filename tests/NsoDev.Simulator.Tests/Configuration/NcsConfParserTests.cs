using System.Net;
using NsoDev.Simulator.Configuration;

namespace NsoDev.Simulator.Tests.Configuration;

public sealed class NcsConfParserTests
{
    private const string RunDirectory = "/run/cfs";

    private const string Required = """
          <load-path><dir>./packages</dir></load-path>
          <state-dir>./state</state-dir>
          <cdb><db-dir>./ncs-cdb</db-dir></cdb>
        """;

    private static NcsConf Parse(string body, Func<string, string?>? environment = null) =>
        NcsConfParser.Parse(
            $"<ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config\">\n{Required}\n{body}\n</ncs-config>\n",
            "/run/cfs/ncs.conf",
            RunDirectory,
            environment ?? (_ => null));

    private static NcsConfException ParseFails(string body, Func<string, string?>? environment = null) =>
        Assert.Throws<NcsConfException>(() => Parse(body, environment));

    [Fact]
    public void A_minimal_file_gets_the_NSO_defaults()
    {
        var conf = Parse(string.Empty);

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 4569), conf.Ipc.EndPoint);
        Assert.True(conf.Ipc.Enabled);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 2022), conf.NetconfSsh.EndPoint);
        Assert.True(conf.NetconfSsh.Enabled);
        Assert.False(conf.NetconfTcp.Enabled);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 2024), conf.CliSsh.EndPoint);
        Assert.True(conf.CliSsh.Enabled);
        Assert.False(conf.Webui.Enabled);
        Assert.Equal("/run/cfs/logs/ncs.log", conf.NcsLog.FilePath);
        Assert.True(conf.NcsLog.WritesFile);
    }

    [Fact]
    public void Relative_paths_start_at_the_run_directory()
    {
        var conf = Parse("<logs><ncs-log><file><name>../shared/ncs.log</name></file></ncs-log></logs>");

        Assert.Equal("/run/cfs/state", conf.StateDir);
        Assert.Equal("/run/cfs/ncs-cdb", conf.CdbDbDir);
        Assert.Equal(["/run/cfs/packages"], conf.LoadPath);
        Assert.Equal("/run/shared/ncs.log", conf.NcsLog.FilePath);
    }

    [Fact]
    public void Listener_addresses_ports_and_switches_are_read()
    {
        var conf = Parse("""
            <ncs-ipc-address><ip>127.0.0.2</ip><port>5010</port></ncs-ipc-address>
            <netconf-north-bound><transport><ssh><ip>::1</ip><port>12022</port></ssh></transport></netconf-north-bound>
            <cli><ssh><enabled>false</enabled></ssh></cli>
            <webui><enabled>true</enabled><transport><tcp><port>8080</port></tcp></transport></webui>
            """);

        Assert.Equal(IPEndPoint.Parse("127.0.0.2:5010"), conf.Ipc.EndPoint);
        Assert.Equal(IPEndPoint.Parse("[::1]:12022"), conf.NetconfSsh.EndPoint);
        Assert.False(conf.CliSsh.Enabled);
        Assert.True(conf.Webui.Enabled);
        Assert.Equal(8080, conf.Webui.Port);
    }

    [Fact]
    public void Turning_netconf_off_turns_its_transports_off()
    {
        var conf = Parse("<netconf-north-bound><enabled>false</enabled></netconf-north-bound>");

        Assert.False(conf.NetconfSsh.Enabled);
    }

    [Fact]
    public void The_1_0_namespace_of_the_man_page_is_accepted()
    {
        var conf = NcsConfParser.Parse(
            $"<ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config/1.0\">{Required}</ncs-config>",
            "/run/cfs/ncs.conf",
            RunDirectory,
            _ => null);

        Assert.Equal(4569, conf.Ipc.Port);
    }

    [Fact]
    public void Variables_are_substituted_in_values()
    {
        var environment = new Dictionary<string, string> { ["CLI_PORT"] = "10022", ["LOGS"] = "/var/log/nso" };

        var conf = Parse(
            """
            <cli><ssh><port>${CLI_PORT}</port></ssh></cli>
            <netconf-north-bound><transport><ssh><port>${NETCONF_PORT:-12022}</port></ssh></transport></netconf-north-bound>
            <logs><ncs-log><file><name>${LOGS}/ncs.log</name></file></ncs-log></logs>
            """,
            environment.GetValueOrDefault);

        Assert.Equal(10022, conf.CliSsh.Port);
        Assert.Equal(12022, conf.NetconfSsh.Port);
        Assert.Equal("/var/log/nso/ncs.log", conf.NcsLog.FilePath);
    }

    [Fact]
    public void A_bad_port_is_reported_with_its_element_and_line()
    {
        var error = ParseFails("""
            <cli>
              <ssh>
                <port>20x4</port>
              </ssh>
            </cli>
            """);

        // Line 1 is the root, 2..4 the required leaves, 5 <cli>, 6 <ssh>, 7 <port>.
        Assert.Equal("/run/cfs/ncs.conf:7: /ncs-config/cli/ssh/port: \"20x4\" is not a port number (0..65535)", error.Message);
    }

    [Theory]
    [InlineData("<ncs-ipc-address><port>65536</port></ncs-ipc-address>", "/ncs-config/ncs-ipc-address/port")]
    [InlineData("<ncs-ipc-address><port>-1</port></ncs-ipc-address>", "/ncs-config/ncs-ipc-address/port")]
    [InlineData("<ncs-ipc-address><ip>localhost</ip></ncs-ipc-address>", "/ncs-config/ncs-ipc-address/ip")]
    [InlineData("<ncs-ipc-address><ip>1</ip></ncs-ipc-address>", "/ncs-config/ncs-ipc-address/ip")]
    [InlineData("<cli><enabled>yes</enabled></cli>", "/ncs-config/cli/enabled")]
    [InlineData("<webui><enabled>1</enabled></webui>", "/ncs-config/webui/enabled")]
    [InlineData("<cli><ssh><port>${UNCLOSED</port></ssh></cli>", "/ncs-config/cli/ssh/port")]
    [InlineData("<cli><ssh><port>${1BAD}</port></ssh></cli>", "/ncs-config/cli/ssh/port")]
    public void A_bad_value_names_its_element(string body, string element)
    {
        var error = ParseFails(body);

        Assert.Contains($": {element}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_from_a_variable_is_checked_after_substitution()
    {
        var error = ParseFails("<cli><ssh><port>${CLI_PORT}</port></ssh></cli>", name => name == "CLI_PORT" ? "none" : null);

        Assert.EndsWith("/ncs-config/cli/ssh/port: \"none\" is not a port number (0..65535)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<load-path/>", "/ncs-config/load-path/dir")]
    [InlineData("<state-dir></state-dir>", "/ncs-config/state-dir")]
    [InlineData("<cdb/>", "/ncs-config/cdb/db-dir")]
    public void A_missing_required_leaf_is_an_error(string replacement, string element)
    {
        var xml = $"<ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config\">{Required}</ncs-config>";
        var broken = replacement switch
        {
            "<load-path/>" => xml.Replace("<load-path><dir>./packages</dir></load-path>", replacement, StringComparison.Ordinal),
            "<cdb/>" => xml.Replace("<cdb><db-dir>./ncs-cdb</db-dir></cdb>", replacement, StringComparison.Ordinal),
            _ => xml.Replace("<state-dir>./state</state-dir>", replacement, StringComparison.Ordinal),
        };

        var error = Assert.Throws<NcsConfException>(() => NcsConfParser.Parse(broken, "/x/ncs.conf", "/x", _ => null));

        Assert.Contains($"{element}: missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_is_not_XML_is_reported_with_its_line()
    {
        var error = Assert.Throws<NcsConfException>(
            () => NcsConfParser.Parse("<ncs-config>\n<cli>\n</ncs-config>", "/x/ncs.conf", "/x", _ => null));

        Assert.StartsWith("/x/ncs.conf:3: not well-formed XML: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<confd-config xmlns=\"http://tail-f.com/ns/confd_cfg/1.0\"/>")]
    [InlineData("<ncs-config/>")]
    [InlineData("<ncs-config xmlns=\"http://tail-f.com/yang/other\"/>")]
    public void A_wrong_root_element_or_namespace_is_rejected(string xml)
    {
        var error = Assert.Throws<NcsConfException>(() => NcsConfParser.Parse(xml, "/x/ncs.conf", "/x", _ => null));

        Assert.Contains("the root element must be <ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config\">", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_cannot_be_read()
    {
        var error = Assert.Throws<NcsConfException>(
            () => NcsConfParser.Load("no-such-ncs.conf", Path.GetTempPath(), _ => null));

        Assert.Contains("no-such-ncs.conf: cannot read the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_switches_decide_where_ncs_log_goes()
    {
        var conf = Parse("<logs><ncs-log><enabled>true</enabled><file><enabled>false</enabled></file></ncs-log></logs>");

        Assert.False(conf.NcsLog.WritesFile);
    }
}
