using System.Xml.Linq;
using NsoDev.Hosting.Materialize;
using NsoDev.Ipc;
using NsoDev.Simulator.Configuration;

using SimulatedVersion = NsoDev.Simulator.Ipc.NsoVersion;

namespace NsoDev.Hosting.Tests;

/// <summary>
/// Every shipped template, in the band the writer picks for each release, written in every IPC mode
/// that release allows, passes nso-sim's element check for that release; and the 6.2 band is the
/// stock 6.2.5 ncs.conf element for element (docs/NSO-NOTES.md §1).
/// </summary>
public sealed class NcsConfBandTests : IDisposable
{
    private static readonly string Templates = Path.Combine(AppContext.BaseDirectory, "instance-templates");
    private static readonly XNamespace Ns = NcsConfWriter.Ns;
    private readonly string _directory = Directory.CreateTempSubdirectory("nsodev-bands-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string, string, bool> Writable()
    {
        var data = new TheoryData<string, string, string, bool>();
        foreach (var template in new[] { "default", "local-ipc" })
        {
            foreach (var release in new[] { "6.2", "6.3", "6.4", "6.5", "6.6", "6.7" })
            {
                if (template == "local-ipc" && release is "6.2" or "6.3")
                {
                    continue;
                }

                foreach (var ipc in release is "6.2" or "6.3" ? new[] { "tcp", "tcp+check" } : ["tcp", "tcp+check", "unix", "unix+check"])
                {
                    data.Add(template, release, ipc, false);
                    data.Add(template, release, ipc, true);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Writable))]
    public void A_written_ncs_conf_passes_the_element_check_of_its_release(string template, string release, string ipc, bool webUi)
    {
        var version = Version(release);
        NsoIpcEndpoint endpoint = ipc.StartsWith("unix", StringComparison.Ordinal)
            ? new NsoIpcEndpoint.UnixSocket(Path.Combine(_directory, "ipc", "nso.sock"))
            : new NsoIpcEndpoint.Tcp("127.0.0.1", 20010);
        var path = Write(template, version, endpoint, ipc.EndsWith("+check", StringComparison.Ordinal) ? Path.Combine(_directory, "ipc_access") : null, webUi);

        var conf = NcsConfParser.Load(path, _directory, name => name == "NCS_DIR" ? "/opt/nso" : null, SimulatedVersion.Parse(release));

        Assert.Equal(endpoint is NsoIpcEndpoint.UnixSocket, conf.LocalIpc.Enabled);
        Assert.Equal(endpoint is NsoIpcEndpoint.Tcp, conf.Ipc.Enabled && !conf.LocalIpc.Enabled);
        Assert.Equal(ipc.EndsWith("+check", StringComparison.Ordinal), conf.AccessCheck.Enabled);
        Assert.Equal(webUi, conf.Webui.Enabled);
    }

    [Theory]
    [InlineData("default", "6.2", "6.2")]
    [InlineData("default", "6.4", "6.2")]
    [InlineData("default", "6.5", "6.5")]
    [InlineData("default", "6.7", "6.5")]
    [InlineData("default", "6.9", "6.5")]
    [InlineData("local-ipc", "6.4", "6.4")]
    [InlineData("local-ipc", "6.6", "6.5")]
    public void The_band_is_the_highest_at_or_below_the_version(string template, string release, string band) =>
        Assert.Equal(Path.Combine(Templates, template, band, "ncs.conf"), new NcsConfTemplate.Banded(Path.Combine(Templates, template)).PathFor(Version(release)));

    [Fact]
    public void A_template_folder_without_bands_is_refused_with_the_rebuild_hint()
    {
        var empty = Directory.CreateTempSubdirectory("nsodev-bands-");
        try
        {
            var error = Assert.Throws<NcsConfTemplateException>(() => new NcsConfTemplate.Banded(empty.FullName).PathFor(Version("6.5")));

            Assert.Equal($"The template folder '{empty.FullName}' holds no version band (a folder such as 6.5 with an ncs.conf in it). Rebuild the app host so that instance-templates/ is copied beside it, or point WithTemplate at an ncs.conf.", error.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("local-ipc", "6.3", "6.4")]
    [InlineData("local-ipc", "6.2", "6.4")]
    [InlineData("default", "6.1", "6.2")]
    public void A_version_below_every_band_is_refused_naming_the_version_and_the_fix(string template, string release, string first)
    {
        var error = Assert.Throws<NcsConfTemplateException>(() => new NcsConfTemplate.Banded(Path.Combine(Templates, template)).PathFor(Version(release)));

        Assert.StartsWith($"The template '{template}' has no ncs.conf for NSO {release}: its version bands start at {first}", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithTemplate(path)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("6.2")]
    [InlineData("6.3")]
    public void A_unix_socket_before_6_4_is_refused_by_the_writer(string release)
    {
        var error = Assert.Throws<NcsConfTemplateException>(() => Write("default", Version(release), new NsoIpcEndpoint.UnixSocket("/tmp/x.sock"), null, false));

        Assert.Equal($"NSO {release} has no local IPC (ncs-local-ipc came in NSO 6.4), so it cannot listen on a Unix socket. Use WithTcpIpc() for this instance, or NSO 6.4 or later.", error.Message);
    }

    [Fact]
    public void A_users_own_file_is_used_as_is_for_every_version()
    {
        var own = Path.Combine(_directory, "mine.conf");
        File.WriteAllText(own, "<ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config\"/>");

        var template = NcsConfTemplate.FromPath(own);

        Assert.Equal(own, template!.PathFor(new NsoDev.Ipc.NsoRelease(6, 1)));
        Assert.Equal(own, template.PathFor(new NsoDev.Ipc.NsoRelease(6, 7)));
        Assert.Null(NcsConfTemplate.FromPath(_directory));
    }

    [Fact]
    public void The_default_6_2_band_is_the_stock_6_2_5_ncs_conf_element_for_element() =>
        Assert.Equal(StockTree(), TreeOf(XDocument.Load(Band("default", "6.2"))));

    [Theory]
    [InlineData("6.2")]
    [InlineData("6.3")]
    [InlineData("6.4")]
    public void The_stock_6_2_5_ncs_conf_passes_the_check_for_6_2_to_6_4_unchanged(string release)
    {
        var path = Path.Combine(_directory, "stock.conf");
        DocumentOf(StockTree()).Save(path);

        NcsConfParser.Load(path, _directory, name => name == "NCS_DIR" ? "/opt/nso" : null, SimulatedVersion.Parse(release));
    }

    [Fact]
    public void The_6_5_band_is_the_6_2_band_less_exactly_des3cbc_and_the_aescfb128_init_vector()
    {
        string[] removed =
        [
            "/ncs-config/encrypted-strings/DES3CBC",
            "/ncs-config/encrypted-strings/DES3CBC/key1 = 0123456789abcdef",
            "/ncs-config/encrypted-strings/DES3CBC/key2 = 0123456789abcdef",
            "/ncs-config/encrypted-strings/DES3CBC/key3 = 0123456789abcdef",
            "/ncs-config/encrypted-strings/DES3CBC/initVector = 0123456789abcdef",
            "/ncs-config/encrypted-strings/AESCFB128/initVector = 0123456789abcdef0123456789abcdef",
        ];
        var stock = StockTree();
        var expected = stock.ToList();
        foreach (var line in removed)
        {
            Assert.True(expected.Remove(line), $"the stock file has no {line}");
        }

        Assert.Equal(expected, TreeOf(XDocument.Load(Band("default", "6.5"))));
    }

    [Theory]
    [InlineData("6.4", "6.2")]
    [InlineData("6.5", "6.5")]
    public void A_local_ipc_band_is_its_default_band_plus_ncs_local_ipc(string band, string defaultBand)
    {
        var expected = TreeOf(XDocument.Load(Band("default", defaultBand))).ToList();
        expected.InsertRange(expected.IndexOf("/ncs-config/ncs-ipc-access-check/filename = ${NCS_DIR}/etc/ncs/ipc_access") + 1, [
            "/ncs-config/ncs-local-ipc",
            "/ncs-config/ncs-local-ipc/enabled = true",
            "/ncs-config/ncs-local-ipc/path = /tmp/nso/nso-ipc",
        ]);

        Assert.Equal(expected, TreeOf(XDocument.Load(Band("local-ipc", band))));
    }

    [Fact]
    public void Hosting_knows_the_releases_nso_sim_can_simulate() =>
        Assert.Equal(
            NcsConfSchema.Releases.Select(r => r.ToString()),
            NsoDev.Hosting.Launch.SimulatorReleases.All.Select(v => v.ToString()));

    [Fact]
    public void Hosting_and_nso_sim_agree_that_local_ipc_came_in_6_4() =>
        Assert.Equal(NcsConfSchema.LocalIpcSince.ToString(), NsoDev.Ipc.NsoRelease.LocalIpcIntroduced.ToString());

    private static NsoDev.Ipc.NsoRelease Version(string text) =>
        NsoDev.Ipc.NsoRelease.TryParse(text, out var version) ? version : throw new ArgumentException(text);

    private static string Band(string template, string band) => Path.Combine(Templates, template, band, "ncs.conf");

    private string Write(string template, NsoDev.Ipc.NsoRelease version, NsoIpcEndpoint ipc, string? accessFile, bool webUi)
    {
        var source = new NcsConfTemplate.Banded(Path.Combine(Templates, template)).PathFor(version);
        var conf = NcsConfWriter.Apply(NcsConfWriter.LoadTemplate(source), new NcsConfSettings
        {
            Version = version,
            Ipc = ipc,
            AccessFile = accessFile,
            Netconf = new ListenerSettings(true, "127.0.0.1", 20011),
            Cli = new ListenerSettings(true, "127.0.0.1", 20012),
            WebUi = new ListenerSettings(webUi, "127.0.0.1", webUi ? 20013 : 8080),
        });
        var path = Path.Combine(_directory, $"{template}-{version}.conf");
        NcsConfWriter.Save(conf, path);
        return path;
    }

    /// <summary>TestData/stock-6.2.5-ncs.conf.tree: a container as its path, a leaf as PATH = VALUE.</summary>
    private static List<string> StockTree() =>
        [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "TestData", "stock-6.2.5-ncs.conf.tree")).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    private static List<string> TreeOf(XDocument document)
    {
        var lines = new List<string>();
        Walk(document.Root!, "/ncs-config", lines);
        return lines;

        static void Walk(XElement element, string path, List<string> lines)
        {
            foreach (var child in element.Elements())
            {
                var childPath = path + "/" + child.Name.LocalName;
                if (child.HasElements)
                {
                    lines.Add(childPath);
                    Walk(child, childPath, lines);
                }
                else
                {
                    lines.Add(childPath + " = " + string.Join(' ', child.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
                }
            }
        }
    }

    /// <summary>Rebuilds an ncs.conf from a tree: each line's parent is the last open element one level up.</summary>
    private static XDocument DocumentOf(IEnumerable<string> tree)
    {
        var root = new XElement(Ns + "ncs-config");
        var open = new List<XElement> { root };
        foreach (var line in tree)
        {
            var (path, value) = line.Split(" = ", 2) is [var p, var v] ? (p, v) : (line, (string?)null);
            var steps = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var element = new XElement(Ns + steps[^1], value);
            open[steps.Length - 2].Add(element);
            open.RemoveRange(steps.Length - 1, open.Count - (steps.Length - 1));
            open.Add(element);
        }

        return new XDocument(root);
    }
}
