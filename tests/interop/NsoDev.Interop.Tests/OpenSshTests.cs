using CliWrap;
using CliWrap.Buffered;

namespace NsoDev.Interop.Tests;

/// <summary>Debian's OpenSSH client, with sshpass for the password, against nso-sim's SSH server.</summary>
public sealed class OpenSshTests(SimulatedInstance nso) : IClassFixture<SimulatedInstance>
{
    private const string EndOfMessage = "]]>]]>";

    private static Command Ssh(int port, params string[] arguments) =>
        Cli.Wrap("sshpass").WithArguments(
            ["-p", "admin", "ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
             "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-o", "ConnectTimeout=10",
             "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "admin@127.0.0.1", .. arguments])
        .WithValidation(CommandResultValidation.None);

    [Fact(Timeout = 60_000)]
    public async Task The_netconf_subsystem_answers_get_config_and_close_session_over_openssh()
    {
        var input = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>{EndOfMessage}
            <rpc message-id="101" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get-config><source><running/></source></get-config></rpc>{EndOfMessage}
            <rpc message-id="102" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><close-session/></rpc>{EndOfMessage}
            """;

        var result = await (PipeSource.FromString(input) | Ssh(nso.NetconfPort, "-s", "netconf")).ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("urn:ietf:params:netconf:base:1.1", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("message-id=\"101\"", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("<data", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("message-id=\"102\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_cli_runs_a_command_given_to_openssh()
    {
        var result = await Ssh(nso.CliPort, "show ncs-state").ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("6.5", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_cli_answers_show_ncs_state_version_as_nsos_own_examples_run_it()
    {
        // nso-examples getting-started/hello-world/demo.sh: ssh ... -l admin -p 2024 localhost "show ncs-state version | nomore"
        var result = await Ssh(nso.CliPort, "show ncs-state version | nomore").ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("ncs-state version 6.5\n", result.StandardOutput);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_cli_shell_prompts_like_nso_and_rejects_an_unknown_command()
    {
        var result = await (PipeSource.FromString("show ncs-state\nno-such-command\nexit\n") | Ssh(nso.CliPort, "-tt")).ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.Contains("admin@ncs# ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("syntax error", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_wrong_password_is_refused()
    {
        var result = await Cli.Wrap("sshpass").WithArguments(
                ["-p", "wrong", "ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "PreferredAuthentications=password",
                 "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1", "-p", nso.CliPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "admin@127.0.0.1", "show ncs-state"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("6.5", result.StandardOutput, StringComparison.Ordinal);
    }
}
