using System.Xml.Linq;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests;

public sealed class NcsConfWriterTests : IDisposable
{
    private static readonly string DefaultTemplate = Path.Combine(AppContext.BaseDirectory, "instance-templates", "default", "6.5", "ncs.conf");
    private readonly string _directory = Directory.CreateTempSubdirectory("nsodev-conf-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static NcsConfSettings Settings(NsoRelease version, NsoIpcEndpoint? ipc = null, string? accessFile = null) => new()
    {
        Version = version,
        Ipc = ipc ?? new NsoIpcEndpoint.Tcp("127.0.0.1", 20010),
        AccessFile = accessFile,
        Netconf = new ListenerSettings(true, "127.0.0.1", 20011),
        Cli = new ListenerSettings(true, "127.0.0.1", 20012),
        WebUi = new ListenerSettings(false, "127.0.0.1", 8080),
    };

    private static string? Leaf(XDocument conf, params string[] path)
    {
        var element = conf.Root;
        foreach (var step in path)
        {
            element = element?.Element(NcsConfWriter.Ns + step);
        }

        return element?.Value;
    }

    [Fact]
    public void The_per_instance_leaves_get_the_planned_values()
    {
        var conf = NcsConfWriter.Apply(NcsConfWriter.LoadTemplate(DefaultTemplate), Settings(SimulatorReleases.Default));

        Assert.Equal("127.0.0.1", Leaf(conf, "ncs-ipc-address", "ip"));
        Assert.Equal("20010", Leaf(conf, "ncs-ipc-address", "port"));
        Assert.Equal("20011", Leaf(conf, "netconf-north-bound", "transport", "ssh", "port"));
        Assert.Equal("127.0.0.1", Leaf(conf, "netconf-north-bound", "transport", "ssh", "ip"));
        Assert.Equal("20012", Leaf(conf, "cli", "ssh", "port"));
        Assert.Equal("127.0.0.1", Leaf(conf, "cli", "ssh", "ip"));
        Assert.Equal("false", Leaf(conf, "webui", "enabled"));
        Assert.Equal("./ssh", Leaf(conf, "aaa", "ssh-server-key-dir"));
    }

    [Fact]
    public void Everything_else_in_the_template_is_kept_including_comments()
    {
        var template = NcsConfWriter.LoadTemplate(DefaultTemplate);
        var conf = NcsConfWriter.Apply(template, Settings(SimulatorReleases.Default));

        string[] perInstance = ["ncs-ipc-address", "ncs-local-ipc", "ncs-ipc-access-check", "netconf-north-bound", "cli", "webui", "aaa"];
        var untouched = template.Root!.Elements().Where(e => !perInstance.Contains(e.Name.LocalName)).ToList();
        Assert.NotEmpty(untouched);
        foreach (var element in untouched)
        {
            Assert.True(XNode.DeepEquals(element, conf.Root!.Element(element.Name)), $"<{element.Name.LocalName}> changed");
        }

        Assert.Equal(template.DescendantNodes().OfType<XComment>().Count(), conf.DescendantNodes().OfType<XComment>().Count());
        Assert.Equal("\\u@ncs# ", Leaf(conf, "cli", "c-prompt1"));
    }

    [Fact]
    public void The_template_itself_is_not_modified()
    {
        var template = NcsConfWriter.LoadTemplate(DefaultTemplate);
        NcsConfWriter.Apply(template, Settings(SimulatorReleases.Default));

        Assert.Null(template.Root!.Element(NcsConfWriter.Ns + "ncs-ipc-address"));
        Assert.Equal("false", Leaf(template, "ncs-ipc-access-check", "enabled"));
    }

    [Theory]
    [InlineData(6, 1)]
    [InlineData(6, 2)]
    [InlineData(6, 3)]
    public void Before_6_4_there_is_no_local_ipc_element_even_if_the_template_has_one(int major, int minor)
    {
        var template = NcsConfWriter.LoadTemplate(DefaultTemplate);
        template.Root!.Add(new XElement(NcsConfWriter.Ns + "ncs-local-ipc", new XElement(NcsConfWriter.Ns + "enabled", "true")));

        var conf = NcsConfWriter.Apply(template, Settings(new NsoRelease(major, minor)));

        Assert.Null(conf.Root!.Element(NcsConfWriter.Ns + "ncs-local-ipc"));
    }

    [Theory]
    [InlineData(6, 4)]
    [InlineData(6, 5)]
    [InlineData(6, 6)]
    [InlineData(6, 7)]
    public void From_6_4_on_local_ipc_is_explicitly_off_for_tcp_ipc(int major, int minor)
    {
        var template = NcsConfWriter.LoadTemplate(DefaultTemplate);
        template.Root!.Add(new XElement(NcsConfWriter.Ns + "ncs-local-ipc", new XElement(NcsConfWriter.Ns + "enabled", "true")));

        var conf = NcsConfWriter.Apply(template, Settings(new NsoRelease(major, minor)));

        Assert.Equal("false", Leaf(conf, "ncs-local-ipc", "enabled"));
        Assert.Single(conf.Root!.Elements(NcsConfWriter.Ns + "ncs-local-ipc"));
    }

    [Theory]
    [InlineData(6, 4)]
    [InlineData(6, 5)]
    [InlineData(6, 7)]
    public void A_unix_socket_turns_local_ipc_on_with_the_planned_path(int major, int minor)
    {
        var conf = NcsConfWriter.Apply(NcsConfWriter.LoadTemplate(DefaultTemplate), Settings(new NsoRelease(major, minor), new NsoIpcEndpoint.UnixSocket("/run/user/1000/nsodev/ipc/nso-2.sock")));

        Assert.Equal("true", Leaf(conf, "ncs-local-ipc", "enabled"));
        Assert.Equal("/run/user/1000/nsodev/ipc/nso-2.sock", Leaf(conf, "ncs-local-ipc", "path"));
    }

    [Fact]
    public void A_unix_socket_before_6_4_is_refused_with_the_fix()
    {
        var error = Assert.Throws<NcsConfTemplateException>(() => NcsConfWriter.Apply(NcsConfWriter.LoadTemplate(DefaultTemplate), Settings(new NsoRelease(6, 3), new NsoIpcEndpoint.UnixSocket("/tmp/x.sock"))));

        Assert.Contains("NSO 6.3 has no local IPC (ncs-local-ipc came in NSO 6.4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithTcpIpc()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_access_check_is_on_with_the_secret_file_exactly_when_one_is_given()
    {
        var on = NcsConfWriter.Apply(NcsConfWriter.LoadTemplate(DefaultTemplate), Settings(SimulatorReleases.Default, accessFile: "/run/nso-1/secrets/ipc_access"));
        var off = NcsConfWriter.Apply(NcsConfWriter.LoadTemplate(DefaultTemplate), Settings(SimulatorReleases.Default));

        Assert.Equal("true", Leaf(on, "ncs-ipc-access-check", "enabled"));
        Assert.Equal("/run/nso-1/secrets/ipc_access", Leaf(on, "ncs-ipc-access-check", "filename"));
        Assert.Equal("false", Leaf(off, "ncs-ipc-access-check", "enabled"));
    }

    [Fact]
    public void A_missing_template_is_named_with_the_fix()
    {
        var path = Path.Combine(_directory, "absent.conf");
        var error = Assert.Throws<NcsConfTemplateException>(() => NcsConfWriter.LoadTemplate(path));

        Assert.Contains($"'{path}' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_that_is_not_an_ncs_config_is_refused()
    {
        var path = Path.Combine(_directory, "confd.conf");
        File.WriteAllText(path, "<confdConfig xmlns=\"http://tail-f.com/ns/confd_cfg/1.0\"/>");

        var error = Assert.Throws<NcsConfTemplateException>(() => NcsConfWriter.LoadTemplate(path));

        Assert.Contains("is not an ncs.conf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_missing_a_mandatory_leaf_names_the_leaf()
    {
        var path = Path.Combine(_directory, "no-state-dir.conf");
        var template = XDocument.Load(DefaultTemplate);
        template.Root!.Element(NcsConfWriter.Ns + "state-dir")!.Remove();
        template.Save(path);

        var error = Assert.Throws<NcsConfTemplateException>(() => NcsConfWriter.LoadTemplate(path));

        Assert.Contains("/ncs-config/state-dir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tcp_ipc_adds_the_ipc_address_the_stock_file_leaves_out_beside_the_access_check()
    {
        var conf = NcsConfWriter.Apply(NcsConfWriter.LoadTemplate(DefaultTemplate), Settings(SimulatorReleases.Default));

        // 6.5: ncs-ipc-address, then ncs-local-ipc (off), then the stock file's first element, the access check.
        Assert.Equal(
            ["ncs-ipc-address", "ncs-local-ipc", "ncs-ipc-access-check"],
            conf.Root!.Elements().Take(3).Select(e => e.Name.LocalName));
        Assert.Single(conf.Root!.Elements(NcsConfWriter.Ns + "ncs-ipc-address"));
    }

    [Fact]
    public void Saved_conf_round_trips_as_xml()
    {
        var path = Path.Combine(_directory, "ncs.conf");
        NcsConfWriter.Save(NcsConfWriter.Apply(NcsConfWriter.LoadTemplate(DefaultTemplate), Settings(SimulatorReleases.Default)), path);

        Assert.Equal("20010", Leaf(XDocument.Load(path), "ncs-ipc-address", "port"));
        Assert.Equal((byte)'<', File.ReadAllBytes(path)[0]);
    }

    [Theory]
    [InlineData("6.5", 6, 5)]
    [InlineData("6.4.1.2", 6, 4)]
    [InlineData("6.5 (nso-sim, a simulator of Cisco NSO)", 6, 5)]
    [InlineData("6.7_250101", 6, 7)]
    public void Versions_are_read_from_ncs_version_output(string text, int major, int minor)
    {
        Assert.True(NsoRelease.TryParse(text, out var version));
        Assert.Equal(new NsoRelease(major, minor), version);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bash: ncs: command not found")]
    [InlineData("GNU coreutils 9.1")]
    public void Output_that_is_not_a_version_is_refused(string text) => Assert.False(NsoRelease.TryParse(text, out _));
}
