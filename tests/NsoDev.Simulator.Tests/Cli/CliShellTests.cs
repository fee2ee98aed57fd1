using System.Text;
using System.Xml.Linq;
using NsoDev.Simulator.Cli;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Tests.Netconf;

namespace NsoDev.Simulator.Tests.Cli;

/// <summary>The interactive CLI over an in-memory channel, as a pty client sees it.</summary>
public sealed class CliShellTests
{
    private static readonly FixedNcsState State = new("6.5", "started", [new("netconf-ssh", "127.0.0.1", 2022), new("cli-ssh", "0.0.0.0", 2024)]);

    private readonly RunningDatastore _datastore = RunningDatastore.InMemory(XElement.Parse(
        "<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce0</name><address>10.0.0.1</address></device></devices>"));

    private readonly RecordingNorthboundLog _log = new();

    /// <summary>Types <paramref name="keys"/>, closes the input, and returns the screen and the exit status.</summary>
    private async Task<(string Screen, int Status)> SessionAsync(string keys, CancellationToken cancellationToken, string user = "admin")
    {
        var channel = new InMemoryChannel();
        var shell = new CliShell(_datastore, State, _log);
        var session = channel.ServeAsync(stream => shell.RunAsync(stream, user, CancellationToken.None));
        var screen = channel.ReadToEndAsync(cancellationToken);
        await channel.ToServer.WriteAsync(Encoding.UTF8.GetBytes(keys), cancellationToken);
        await channel.ToServer.CompleteAsync();
        return (Encoding.UTF8.GetString(await screen).Replace("\r\n", "\n", StringComparison.Ordinal), await session);
    }

    [Fact(Timeout = 5000)]
    public async Task The_prompt_is_the_user_at_ncs()
    {
        var (screen, status) = await SessionAsync(string.Empty, TestContext.Current.CancellationToken, user: "oper");

        Assert.Equal("oper@ncs# ", screen);
        Assert.Equal(0, status);
    }

    [Fact(Timeout = 5000)]
    public async Task Show_ncs_state_prints_version_status_and_listeners()
    {
        var (screen, _) = await SessionAsync("show ncs-state\r", TestContext.Current.CancellationToken);

        Assert.Equal(
            "admin@ncs# show ncs-state\n"
            + "ncs-state version 6.5\n"
            + "ncs-state daemon-status started\n"
            + "ncs-state listener netconf-ssh\n address 127.0.0.1\n port    2022\n!\n"
            + "ncs-state listener cli-ssh\n address 0.0.0.0\n port    2024\n!\n"
            + "admin@ncs# ",
            screen);
    }

    [Fact(Timeout = 5000)]
    public async Task Show_ncs_state_with_a_path_shows_what_it_selects_with_the_path_down_to_it()
    {
        var (screen, _) = await SessionAsync("show ncs-state daemon-status | nomore\rshow ncs-state listener cli-ssh port\rshow ncs-state listener\r", TestContext.Current.CancellationToken);

        Assert.Equal(
            "admin@ncs# show ncs-state daemon-status | nomore\n"
            + "ncs-state daemon-status started\n"
            + "admin@ncs# show ncs-state listener cli-ssh port\n"
            + "ncs-state listener cli-ssh\n port 2024\n!\n"
            + "admin@ncs# show ncs-state listener\n"
            + "ncs-state listener netconf-ssh\n address 127.0.0.1\n port    2022\n!\n"
            + "ncs-state listener cli-ssh\n address 0.0.0.0\n port    2024\n!\n"
            + "admin@ncs# ",
            screen);
    }

    [Fact(Timeout = 5000)]
    public async Task A_word_that_is_not_in_ncs_state_gets_the_caret_under_it()
    {
        var (screen, _) = await SessionAsync("show ncs-state listener ftp\r", TestContext.Current.CancellationToken);

        Assert.Contains("\n" + new string('-', "admin@ncs# show ncs-state listener ".Length) + "^\nsyntax error: unknown argument\n", screen, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task Show_running_config_renders_the_configuration_in_c_style()
    {
        var (screen, _) = await SessionAsync("sh run\r", TestContext.Current.CancellationToken);

        Assert.Equal("admin@ncs# sh run\ndevices device ce0\n address 10.0.0.1\n!\nadmin@ncs# ", screen);
    }

    [Fact(Timeout = 5000)]
    public async Task An_unknown_command_gets_a_caret_under_it_and_a_new_prompt()
    {
        var (screen, _) = await SessionAsync("foo\r", TestContext.Current.CancellationToken);

        Assert.Equal("admin@ncs# foo\n-----------^\nsyntax error: unknown command\nadmin@ncs# ", screen);
    }

    [Fact(Timeout = 5000)]
    public async Task A_bad_argument_gets_the_caret_under_the_argument()
    {
        var (screen, _) = await SessionAsync("show bogus\r", TestContext.Current.CancellationToken);

        Assert.Contains("\n----------------^\nsyntax error: unknown argument\n", screen, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_blank_line_just_prompts_again()
    {
        var (screen, _) = await SessionAsync("\r  \r", TestContext.Current.CancellationToken);

        Assert.Equal("admin@ncs# \nadmin@ncs#   \nadmin@ncs# ", screen);
    }

    [Fact(Timeout = 5000)]
    public async Task Exit_ends_the_session_with_status_0_and_ignores_what_follows()
    {
        var (screen, status) = await SessionAsync("exit\rshow ncs-state\r", TestContext.Current.CancellationToken);

        Assert.Equal("admin@ncs# exit\n", screen);
        Assert.Equal(0, status);
        Assert.Contains("user: admin CLI session ended", _log.AuditLines);
    }

    [Fact(Timeout = 5000)]
    public async Task Edited_input_runs_as_it_looks_on_the_screen()
    {
        var (screen, _) = await SessionAsync("shoq\u007fw ncs\u001b[D-state\r", TestContext.Current.CancellationToken);

        Assert.Contains("ncs-state version 6.5", screen, StringComparison.Ordinal);
    }
}
