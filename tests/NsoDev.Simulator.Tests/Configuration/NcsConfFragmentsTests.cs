using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Configuration;

/// <summary><c>ncs.conf.d/*.conf</c> beside ncs.conf, merged in name order (docs/NSO-NOTES.md §1).</summary>
public sealed class NcsConfFragmentsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nso-sim-conf-").FullName;

    public NcsConfFragmentsTests()
    {
        File.WriteAllText(MainFile, """
            <ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">
              <load-path><dir>./packages</dir></load-path>
              <state-dir>./state</state-dir>
              <cdb><db-dir>./ncs-cdb</db-dir></cdb>
              <ncs-ipc-address><ip>127.0.0.1</ip><port>4569</port></ncs-ipc-address>
              <cli><ssh><enabled>true</enabled><port>2024</port></ssh></cli>
            </ncs-config>
            """);
    }

    private string MainFile => Path.Combine(_directory, "ncs.conf");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Fragments_are_merged_leaves_replaced_and_lists_added_to()
    {
        Fragment("ipc.conf", "<ncs-local-ipc><enabled>true</enabled><path>/tmp/nso/nso-ipc1</path></ncs-local-ipc>");
        Fragment("ports.conf", "<cli><ssh><port>2034</port></ssh></cli><load-path><dir>./more-packages</dir></load-path>");

        var conf = Load();

        Assert.Equal(new LocalIpcConf(true, "/tmp/nso/nso-ipc1"), conf.LocalIpc);
        Assert.Equal(2034, conf.CliSsh.Port);
        Assert.True(conf.CliSsh.Enabled);
        Assert.Equal(4569, conf.Ipc.Port);
        Assert.Equal([Path.Combine(_directory, "packages"), Path.Combine(_directory, "more-packages")], conf.LoadPath);
    }

    [Fact]
    public void Later_fragments_by_name_win()
    {
        Fragment("20-late.conf", "<cli><ssh><port>2044</port></ssh></cli>");
        Fragment("10-early.conf", "<cli><ssh><port>2034</port></ssh></cli>");

        Assert.Equal(2044, Load().CliSsh.Port);
    }

    [Fact]
    public void Files_that_are_not_dot_conf_or_are_hidden_are_not_fragments()
    {
        Fragment("ipc.conf.orig", "<cli><ssh><port>1</port></ssh></cli>");
        Fragment(".#ipc.conf", "<cli><ssh><port>2</port></ssh></cli>");

        Assert.Equal(2024, Load().CliSsh.Port);
    }

    [Fact]
    public void A_bad_fragment_is_reported_with_its_own_file_and_line()
    {
        var file = Fragment("50-bad.conf", "<cli>\n<ssh><port>x</port></ssh>\n</cli>");

        var error = Assert.Throws<NcsConfException>(Load);

        Assert.Equal($"{file}:3: /ncs-config/cli/ssh/port: \"x\" is not a port number (0..65535)", error.Message);
    }

    [Fact]
    public void An_unknown_element_in_a_fragment_is_reported_with_the_fragment()
    {
        var file = Fragment("ipc.conf", "<ncs-local-ipc><enabled>true</enabled></ncs-local-ipc>");

        var error = Assert.Throws<NcsConfException>(() => NcsConfParser.Load(MainFile, _directory, _ => null, NsoVersion.Parse("6.3")));

        Assert.StartsWith($"{file}:2: /ncs-config/ncs-local-ipc: unknown element in NSO 6.3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fragment_needs_its_own_ncs_config_root()
    {
        var file = Path.Combine(_directory, "ncs.conf.d", "bare.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "<cli/>");

        var error = Assert.Throws<NcsConfException>(Load);

        Assert.StartsWith($"{file}:1: <cli xmlns=\"\">: the root element must be", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_a_fragment_brought_in_is_reported_against_the_fragment_when_read()
    {
        var file = Fragment("ha.conf", "<ha-raft>\n<listen><min-port>4570</min-port></listen>\n</ha-raft>");

        var error = Assert.Throws<NcsConfException>(Load);

        Assert.StartsWith($"{file}:3: /ncs-config/ha-raft/listen/node-address: missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_man_pages_1_0_namespace_in_a_fragment_merges_with_the_plain_one()
    {
        var directory = Path.Combine(_directory, "ncs.conf.d");
        Directory.CreateDirectory(directory);
        File.WriteAllText(
            Path.Combine(directory, "old.conf"),
            "<ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config/1.0\"><cli><ssh><port>2054</port></ssh></cli></ncs-config>");

        Assert.Equal(2054, Load().CliSsh.Port);
    }

    private NcsConf Load() => NcsConfParser.Load(MainFile, _directory, _ => null);

    private string Fragment(string name, string body)
    {
        var directory = Path.Combine(_directory, "ncs.conf.d");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, name);
        File.WriteAllText(file, $"<ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config\">\n{body}\n</ncs-config>\n");
        return file;
    }
}
