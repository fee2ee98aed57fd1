using System.Text;
using NsoDev.Simulator.Cli;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Tests.Netconf;

namespace NsoDev.Simulator.Tests.Cli;

/// <summary><c>ssh host COMMAND</c>: one command, its output, an exit status.</summary>
public sealed class CliExecTests
{
    private static readonly FixedNcsState State = new("6.4.1", "phase1", []);

    private static async Task<(string Output, int Status)> ExecAsync(string command, CancellationToken cancellationToken)
    {
        var channel = new InMemoryChannel();
        var exec = new CliExec(RunningDatastore.InMemory(), State, new RecordingNorthboundLog());
        var status = channel.ServeAsync(stream => exec.RunAsync(command, stream, "admin", CancellationToken.None));
        var output = await channel.ReadToEndAsync(cancellationToken);
        return (Encoding.UTF8.GetString(output), await status);
    }

    [Fact(Timeout = 5000)]
    public async Task Show_ncs_state_prints_with_lf_line_ends_and_exits_0()
    {
        var (output, status) = await ExecAsync("show ncs-state", TestContext.Current.CancellationToken);

        Assert.Equal("ncs-state version 6.4.1\nncs-state daemon-status phase1\n", output);
        Assert.Equal(0, status);
    }

    [Fact(Timeout = 5000)]
    public async Task An_empty_running_config_says_no_entries_found()
    {
        var (output, status) = await ExecAsync("show running-config", TestContext.Current.CancellationToken);

        Assert.Equal("% No entries found.\n", output);
        Assert.Equal(0, status);
    }

    [Fact(Timeout = 5000)]
    public async Task An_unknown_command_prints_the_error_and_exits_1()
    {
        var (output, status) = await ExecAsync("reboot now", TestContext.Current.CancellationToken);

        Assert.Equal("^\nsyntax error: unknown command\n", output);
        Assert.Equal(1, status);
    }

    [Fact(Timeout = 5000)]
    public async Task A_bad_argument_exits_1()
    {
        var (output, status) = await ExecAsync("show ncs-state extra", TestContext.Current.CancellationToken);

        Assert.Equal("---------------^\nsyntax error: unknown argument\n", output);
        Assert.Equal(1, status);
    }

    [Theory(Timeout = 5000)]
    [InlineData("show ncs-state version")]
    [InlineData("sh ncs-state ver")]
    [InlineData("show ncs-state version | nomore")]
    public async Task Show_ncs_state_version_prints_the_leaf_with_its_path_as_nso_does(string command)
    {
        var (output, status) = await ExecAsync(command, TestContext.Current.CancellationToken);

        Assert.Equal("ncs-state version 6.4.1\n", output);
        Assert.Equal(0, status);
    }

    [Theory(Timeout = 5000)]
    [InlineData("show ncs-state version | more", "-------------------------^\nsyntax error: unknown argument\n")]
    [InlineData("show ncs-state version |", "-------------------------^\nsyntax error: incomplete command\n")]
    [InlineData("show running-config version", "--------------------^\nsyntax error: unknown argument\n")]
    public async Task A_pipe_other_than_nomore_or_a_path_under_running_config_exits_1(string command, string error)
    {
        var (output, status) = await ExecAsync(command, TestContext.Current.CancellationToken);

        Assert.Equal(error, output);
        Assert.Equal(1, status);
    }

    [Fact(Timeout = 5000)]
    public async Task Exit_prints_nothing_and_exits_0()
    {
        Assert.Equal((string.Empty, 0), await ExecAsync("exit", TestContext.Current.CancellationToken));
    }
}
