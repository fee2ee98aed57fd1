using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Logging;

namespace NsoDev.Simulator.Tests.Logging;

public sealed class NcsLogTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 26, 6, 18, 28, 123, TimeSpan.Zero);

    [Fact]
    public void A_line_has_the_ncs_log_shape()
    {
        var line = NcsLogLine.Format(NcsLogLevel.Info, Time, "devbox", 4242, "Started");

        Assert.Equal("<INFO> 26-Nov-2026::06:18:28.123 devbox nso-sim[4242]: - Started", line);
    }

    [Theory]
    [InlineData("Warning", "<WARNING> ")]
    [InlineData("Error", "<ERR> ")]
    [InlineData("Critical", "<CRIT> ")]
    public void The_level_is_the_tag_NSO_uses(string level, string prefix) =>
        Assert.StartsWith(prefix, NcsLogLine.Format(Enum.Parse<NcsLogLevel>(level), Time, "h", 1, "x"), StringComparison.Ordinal);

    [Fact]
    public void The_log_creates_its_directory_and_echoes_to_stdout_when_verbose()
    {
        var directory = Directory.CreateTempSubdirectory("nso-sim-log-");
        try
        {
            var file = Path.Combine(directory.FullName, "logs", "ncs.log");
            var stdout = new StringWriter();
            using (var log = NcsLog.Open(new NcsLogConf(true, true, file), verbose: true, stdout, TimeProvider.System))
            {
                log.Info("Started");
            }

            Assert.EndsWith("]: - Started\n", File.ReadAllText(file), StringComparison.Ordinal);
            Assert.Equal(File.ReadAllText(file), stdout.ToString().ReplaceLineEndings("\n"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_disabled_log_writes_no_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"nso-sim-{Guid.NewGuid():N}", "ncs.log");
        var stdout = new StringWriter();

        using (var log = NcsLog.Open(new NcsLogConf(false, true, file), verbose: false, stdout, TimeProvider.System))
        {
            log.Info("Started");
        }

        Assert.False(File.Exists(file));
        Assert.Empty(stdout.ToString());
    }
}
