using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Configuration;

/// <summary>
/// The shipped templates, one per version band, must be ncs.conf files that every release of
/// their band accepts, and that the releases just outside it refuse (docs/NSO-NOTES.md §1).
/// </summary>
public sealed class InstanceTemplateTests
{
    public static string DefaultTemplate { get; } = Template("default", "6.5");

    /// <summary>Template, band, a release of the band.</summary>
    public static TheoryData<string, string, string> Accepted { get; } = new()
    {
        { "default", "6.2", "6.2" },
        { "default", "6.2", "6.3" },
        { "default", "6.2", "6.4" },
        { "default", "6.5", "6.5" },
        { "default", "6.5", "6.6" },
        { "default", "6.5", "6.7" },
        { "local-ipc", "6.4", "6.4" },
        { "local-ipc", "6.5", "6.5" },
        { "local-ipc", "6.5", "6.6" },
        { "local-ipc", "6.5", "6.7" },
    };

    /// <summary>Template, band, a release outside it, and the element that release lacks.</summary>
    public static TheoryData<string, string, string, string> Refused { get; } = new()
    {
        { "default", "6.2", "6.1", "/ncs-config/logs/upgrade-log" },
        { "default", "6.2", "6.5", "/ncs-config/encrypted-strings/DES3CBC" },
        { "local-ipc", "6.4", "6.3", "/ncs-config/ncs-local-ipc" },
        { "local-ipc", "6.4", "6.5", "/ncs-config/encrypted-strings/DES3CBC" },
        { "local-ipc", "6.5", "6.3", "/ncs-config/ncs-local-ipc" },
    };

    /// <summary>What the stock file refers to, as NsoDev sets it for every daemon.</summary>
    public static string? StockVariables(string name) => name == "NCS_DIR" ? "/opt/nso" : null;

    private static string Template(string name, string band) => Path.Combine(RepositoryRoot.Path, "instance-templates", name, band, "ncs.conf");

    [Theory]
    [MemberData(nameof(Accepted))]
    public void A_template_parses_in_every_release_of_its_band(string name, string band, string release)
    {
        var runDirectory = Path.Combine(Path.GetTempPath(), "cfs");

        var conf = NcsConfParser.Load(Template(name, band), runDirectory, StockVariables, NsoVersion.Parse(release));

        Assert.Equal(Path.Combine(runDirectory, "logs", "ncs.log"), conf.NcsLog.FilePath);
        Assert.Equal(Path.Combine(runDirectory, "state"), conf.StateDir);
        Assert.Contains(Path.Combine(runDirectory, "packages"), conf.LoadPath);
        // 6.7 turns local IPC on when ncs.conf does not say; the writer always says.
        Assert.Equal(name == "local-ipc" || release == "6.7", conf.LocalIpc.Enabled);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_template_is_refused_by_a_release_outside_its_band(string name, string band, string release, string element)
    {
        var error = Assert.Throws<NcsConfException>(() => NcsConfParser.Load(Template(name, band), Path.GetTempPath(), StockVariables, NsoVersion.Parse(release)));

        Assert.Contains($": {element}: unknown element in NSO {release}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_is_refused_naming_NCS_DIR_when_it_is_not_set_since_the_stock_file_refers_to_it()
    {
        var error = Assert.Throws<NcsConfException>(() => NcsConfParser.Load(DefaultTemplate, Path.GetTempPath(), _ => null, NsoVersion.Parse("6.5")));

        Assert.Contains("${NCS_DIR} is not set in the daemon's environment and has no default", error.Message, StringComparison.Ordinal);
    }
}
