using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Logging;

namespace NsoDev.Simulator.Tests.Logging;

/// <summary>ncs.log, devel.log, audit.log and netconf.log, named by ncs.conf.</summary>
public sealed class NcsLogsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nso-sim-logs-").FullName;
    private readonly StringWriter _stdout = new() { NewLine = "\n" };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Each_log_writes_its_own_file()
    {
        using (var logs = Open(netconf: true))
        {
            logs.Ncs.Info("n");
            logs.Devel.Info("d");
            logs.Audit.Info("a");
            logs.Netconf.Info("c");
        }

        Assert.EndsWith("- n\n", Read("ncs.log"), StringComparison.Ordinal);
        Assert.EndsWith("- d\n", Read("devel.log"), StringComparison.Ordinal);
        Assert.EndsWith("- a\n", Read("audit.log"), StringComparison.Ordinal);
        Assert.EndsWith("- c\n", Read("netconf.log"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_disabled_netconf_log_drops_its_lines()
    {
        using (var logs = Open(netconf: false))
        {
            logs.Netconf.Info("c");
        }

        Assert.False(File.Exists(Path.Combine(_directory, "netconf.log")));
    }

    [Fact]
    public void Verbose_echoes_ncs_log_only()
    {
        using (var logs = Open(netconf: true, verbose: true))
        {
            logs.Ncs.Info("to stdout");
            logs.Audit.Info("not to stdout");
        }

        Assert.Contains("- to stdout", _stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not to stdout", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Nolog_writes_no_file_at_all()
    {
        using (var logs = Open(netconf: true, noFile: true))
        {
            logs.Ncs.Info("n");
            logs.Audit.Info("a");
        }

        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Reopen_starts_each_file_anew_after_a_rotation()
    {
        using var logs = Open(netconf: true);
        logs.Audit.Info("before");
        File.Move(Path.Combine(_directory, "audit.log"), Path.Combine(_directory, "audit.log.1"));

        logs.Reopen(Conf(netconf: true));
        logs.Audit.Info("after");

        Assert.EndsWith("- after\n", Read("audit.log"), StringComparison.Ordinal);
        Assert.DoesNotContain("before", Read("audit.log"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_that_cannot_be_created_names_the_file_and_the_element()
    {
        File.WriteAllText(Path.Combine(_directory, "blocker"), "a file where a directory should be");
        var conf = Conf(netconf: false) with { Audit = new NcsLogConf(true, true, Path.Combine(_directory, "blocker", "audit.log"), "logs/audit-log") };

        var error = Assert.Throws<NcsLogOpenException>(() => NcsLogs.Open(conf, false, false, _stdout, TimeProvider.System));

        Assert.StartsWith($"cannot open {Path.Combine(_directory, "blocker", "audit.log")}: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("; check logs/audit-log/file/name in ncs.conf", error.Message, StringComparison.Ordinal);
    }

    private NcsLogs Open(bool netconf, bool verbose = false, bool noFile = false) =>
        NcsLogs.Open(Conf(netconf), verbose, noFile, _stdout, TimeProvider.System);

    private NcsLogsConf Conf(bool netconf) =>
        new(
            Log("ncs.log", true, "logs/ncs-log"),
            Log("devel.log", true, "logs/developer-log"),
            Log("audit.log", true, "logs/audit-log"),
            Log("netconf.log", netconf, "logs/netconf-log"));

    private NcsLogConf Log(string name, bool enabled, string confPath) =>
        new(enabled, true, Path.Combine(_directory, name), confPath);

    private string Read(string name) => File.ReadAllText(Path.Combine(_directory, name));
}
