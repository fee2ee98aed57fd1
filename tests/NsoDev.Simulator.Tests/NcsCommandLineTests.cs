using NsoDev.Simulator.Daemon;

namespace NsoDev.Simulator.Tests;

public sealed class NcsCommandLineTests
{
    [Fact]
    public void The_orchestrators_daemon_command_line_is_understood()
    {
        var line = NcsCommandLine.Parse(["--cd", "/run/cfs", "-c", "ncs.conf", "--foreground", "-v", "--stop-on-eof"]);

        Assert.Equal(NcsCommand.Daemon, line.Command);
        Assert.Equal("/run/cfs", line.Daemon.RunDirectory);
        Assert.Equal("ncs.conf", line.Daemon.ConfFile);
        Assert.True(line.Daemon.Foreground);
        Assert.True(line.Daemon.Verbose);
        Assert.True(line.Daemon.StopOnEof);
    }

    [Fact]
    public void Without_options_the_daemon_reads_ncs_conf_in_the_current_directory()
    {
        var line = NcsCommandLine.Parse([]);

        Assert.Equal(NcsCommand.Daemon, line.Command);
        Assert.Equal("ncs.conf", line.Daemon.ConfFile);
        Assert.Null(line.Daemon.RunDirectory);
    }

    [Fact]
    public void Options_ncs_accepts_but_nso_sim_does_not_act_on_are_accepted()
    {
        var line = NcsCommandLine.Parse(
            ["--conf", "x.conf", "--addloadpath", "a", "--addloadpath", "b", "--nolog", "--smp", "4", "--with-package-reload-force", "--verbose"]);

        Assert.Equal(["a", "b"], line.Daemon.AddLoadPaths);
        Assert.True(line.Daemon.NoLog);
        Assert.Equal(4, line.Daemon.Smp);
        Assert.Equal(PackageReload.Force, line.Daemon.PackageReload);
    }

    [Theory]
    [InlineData(new[] { "--wait-started" }, 5.0)]
    [InlineData(new[] { "--wait-started", "10" }, 10.0)]
    [InlineData(new[] { "--wait-started", "0.5" }, 0.5)]
    public void Wait_started_takes_an_optional_try_time_defaulting_to_5_seconds(string[] args, double seconds)
    {
        var line = NcsCommandLine.Parse(args);

        Assert.Equal(NcsCommand.WaitStarted, line.Command);
        Assert.Equal(TimeSpan.FromSeconds(seconds), line.TryTime);
    }

    [Fact]
    public void Timeout_combines_with_a_control_command()
    {
        var line = NcsCommandLine.Parse(["--timeout", "60", "--wait-started", "10"]);

        Assert.Equal(TimeSpan.FromSeconds(60), line.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), line.TryTime);
    }

    [Theory]
    [InlineData("--status", "Status")]
    [InlineData("--stop", "Stop")]
    [InlineData("--reload", "Reload")]
    [InlineData("--version", "Version")]
    public void A_control_option_selects_its_command(string option, string command) =>
        Assert.Equal(Enum.Parse<NcsCommand>(command), NcsCommandLine.Parse([option]).Command);

    [Theory]
    [InlineData(new[] { "--frobnicate" }, "*** --frobnicate: Unknown option")]
    [InlineData(new[] { "stray" }, "*** stray: Unknown option")]
    [InlineData(new[] { "--wait-started", "soon" }, "*** soon: Unknown option")]
    [InlineData(new[] { "--cd" }, "*** --cd: Missing argument")]
    [InlineData(new[] { "--timeout", "x" }, "*** --timeout x: Bad number")]
    [InlineData(new[] { "--status", "--stop" }, "*** --stop: only one command at a time")]
    public void A_bad_command_line_is_reported_as_ncs_does(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<NcsUsageException>(() => NcsCommandLine.Parse(args)).Message);
}
