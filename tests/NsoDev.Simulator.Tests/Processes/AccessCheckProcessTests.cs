using System.Net;
using System.Text;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Tests.Ipc;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>
/// <c>ncs-ipc-access-check</c> on a real daemon (NSO-NOTES §4), over TCP and over a Unix
/// socket: library-style clients playing the challenge, and the control commands with and without
/// <c>NCS_IPC_ACCESS_FILE</c>.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class AccessCheckProcessTests : DaemonProcessTest
{
    private const string SecretWord = "Zq8-access-secret";

    /// <summary>The file ends with a newline, and the newline is part of the secret.</summary>
    private const string SecretFile = SecretWord + "\n";

    private static readonly NsoVersion Version = NsoVersion.Default;

    [Theory(Timeout = 90_000)]
    [InlineData("tcp", "V1Md5")]
    [InlineData("tcp", "V2Sha256")]
    [InlineData("local", "V1Md5")]
    [InlineData("local", "V2Sha256")]
    public async Task A_client_with_the_whole_file_as_its_secret_answers_the_challenge_and_is_served(string transport, string kind)
    {
        await StartAsync(transport, accessCheck: true, TestContext.Current.CancellationToken);
        await using var client = await IpcTestClient.ConnectAsync(Endpoint(transport), TestContext.Current.CancellationToken);

        var reply = await client.HelloAsync(IpcClientId.SimControl, Enum.Parse<IpcChallengeRequest>(kind), Encoding.UTF8.GetBytes(SecretFile), Version);
        IpcFrame.Write(client.Output, "status"u8);
        await client.Output.FlushAsync(TestContext.Current.CancellationToken);
        var status = Encoding.UTF8.GetString((await client.Input.ReadFrameAsync(TestContext.Current.CancellationToken))!);

        Assert.Equal(IpcHelloStatus.Ok, reply.Status);
        Assert.Contains("access-check: on\n", status, StringComparison.Ordinal);
        Assert.DoesNotContain("IPC access check rejected", Run.NcsLog, StringComparison.Ordinal);
    }

    [Theory(Timeout = 90_000)]
    [InlineData("tcp")]
    [InlineData("local")]
    public async Task A_wrong_secret_is_rejected_and_logged_in_ncs_log_and_audit_log_without_the_secret(string transport)
    {
        await StartAsync(transport, accessCheck: true, TestContext.Current.CancellationToken);
        await using var client = await IpcTestClient.ConnectAsync(Endpoint(transport), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<IpcAccessRejectedException>(
            () => client.HelloAsync(IpcClientId.Maapi, IpcChallengeRequest.V2Sha256, Encoding.UTF8.GetBytes(SecretWord), Version));

        var peer = transport == "tcp" ? "127.0.0.1:" : "local: ";
        await StopAsync(transport, TestContext.Current.CancellationToken);
        foreach (var log in new[] { Run.NcsLog, Run.AuditLog })
        {
            Assert.Contains($"IPC access check rejected client id 7 (Maapi) from {peer}", log, StringComparison.Ordinal);
            Assert.Contains("answered the v2 (SHA-256) challenge wrongly", log, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretWord, log, StringComparison.Ordinal);
        }
    }

    [Theory(Timeout = 90_000)]
    [InlineData("tcp")]
    [InlineData("local")]
    public async Task A_client_that_asks_for_no_challenge_while_the_check_is_on_gets_one_byte_other_than_11_and_is_closed(string transport)
    {
        await StartAsync(transport, accessCheck: true, TestContext.Current.CancellationToken);
        await using var client = await IpcTestClient.ConnectAsync(Endpoint(transport), TestContext.Current.CancellationToken);

        await client.SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 85, Version.PackedVersion).Encode());

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await client.ReadToEndAsync());
        await StopAsync(transport, TestContext.Current.CancellationToken);
        Assert.Contains("asked for no challenge, but ncs-ipc-access-check is on", Run.AuditLog, StringComparison.Ordinal);
    }

    [Theory(Timeout = 90_000)]
    [InlineData("tcp")]
    [InlineData("local")]
    public async Task A_client_that_asks_for_a_challenge_while_the_check_is_off_fails(string transport)
    {
        await StartAsync(transport, accessCheck: false, TestContext.Current.CancellationToken);
        await using var client = await IpcTestClient.ConnectAsync(Endpoint(transport), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<IpcAccessRejectedException>(
            () => client.HelloAsync(IpcClientId.Maapi, IpcChallengeRequest.V1Md5, Encoding.UTF8.GetBytes(SecretFile), Version));

        await StopAsync(transport, TestContext.Current.CancellationToken);
        Assert.Contains("asked for a v1 (MD5) challenge, but ncs-ipc-access-check is off", Run.NcsLog, StringComparison.Ordinal);
    }

    [Theory(Timeout = 90_000)]
    [InlineData("tcp")]
    [InlineData("local")]
    public async Task Control_commands_with_ncs_ipc_access_file_answer_the_challenge(string transport)
    {
        await StartAsync(transport, accessCheck: true, TestContext.Current.CancellationToken);

        var status = await ControlAsync(transport, withSecret: true, TestContext.Current.CancellationToken, "--status");
        var stop = await ControlAsync(transport, withSecret: true, TestContext.Current.CancellationToken, "--stop");

        Assert.Equal(0, status.ExitCode);
        Assert.Contains("access-check: on\n", status.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, stop.ExitCode);
        Assert.Equal(0, await Daemon!.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 90_000)]
    [InlineData("tcp", "--status", "status")]
    [InlineData("local", "--status", "status")]
    [InlineData("tcp", "--wait-started", "wait-started")]
    [InlineData("tcp", "--reload", "reload")]
    public async Task Control_commands_without_ncs_ipc_access_file_are_rejected_with_exit_1(string transport, string option, string command)
    {
        await StartAsync(transport, accessCheck: true, TestContext.Current.CancellationToken);

        var result = await ControlAsync(transport, withSecret: false, TestContext.Current.CancellationToken, option);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"Access Rejected ({command})\n", result.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task Confd_ipc_access_file_is_read_before_ncs_ipc_access_file()
    {
        await StartAsync("tcp", accessCheck: true, TestContext.Current.CancellationToken);
        var wrong = Path.Combine(Run.Path, "wrong_access");
        File.WriteAllText(wrong, "not the secret");
        var environment = new Dictionary<string, string>(Run.ClientEnvironment)
        {
            ["CONFD_IPC_ACCESS_FILE"] = Run.SecretPath,
            ["NCS_IPC_ACCESS_FILE"] = wrong,
        };

        var result = await NsoSimProcess.RunAsync(["--status"], environment, TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_control_command_with_a_secret_fails_against_a_daemon_whose_check_is_off()
    {
        await StartAsync("tcp", accessCheck: false, TestContext.Current.CancellationToken);
        Run.WriteSecret(SecretFile);

        var result = await ControlAsync("tcp", withSecret: true, TestContext.Current.CancellationToken, "--status");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("Access Rejected (status)\n", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ncs-ipc-access-check is off", result.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_missing_secret_file_fails_the_start_with_exit_21_naming_the_file()
    {
        Run.WriteConf(Run.AccessCheck);

        Daemon = NsoSimProcess.Start(Run.DaemonArgs);

        Assert.Equal(21, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.StartsWith(
            $"nso-sim: Bad configuration: /ncs-config/ncs-ipc-access-check/filename {Run.SecretPath}: cannot read the IPC access secret: ",
            Daemon.Stderr,
            StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_secret_file_others_can_read_earns_a_warning_naming_the_mode_and_the_fix_but_the_daemon_starts()
    {
        Run.WriteSecret(SecretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Run.WriteConf(Run.AccessCheck);

        await StartAsync(new SimDaemonOptions { ClientEnvironment = new Dictionary<string, string>(Run.ClientEnvironment) { ["NCS_IPC_ACCESS_FILE"] = Run.SecretPath } }, TestContext.Current.CancellationToken);

        Assert.Contains($"<WARNING> ", Run.NcsLog, StringComparison.Ordinal);
        Assert.Contains($"{Run.SecretPath} is mode 0644: group or others can read the IPC secret; run chmod 0400 {Run.SecretPath}", Run.NcsLog, StringComparison.Ordinal);
    }

    private Task StartAsync(string transport, bool accessCheck, CancellationToken cancellationToken) =>
        StartAsync(new SimDaemonOptions { UnixSocket = transport == "local", Secret = accessCheck ? SecretFile : null }, cancellationToken);

    /// <summary>A clean stop, so that every log line is on disk when the test reads it.</summary>
    private async Task StopAsync(string transport, CancellationToken cancellationToken)
    {
        var stop = await ControlAsync(transport, withSecret: Run.NcsLog.Contains("IPC access check is on", StringComparison.Ordinal), cancellationToken, "--stop");
        Assert.Equal(0, stop.ExitCode);
        Assert.Equal(0, await Daemon!.WaitForExitAsync(ExitWait, cancellationToken));
    }

    private Task<CommandResult> ControlAsync(string transport, bool withSecret, CancellationToken cancellationToken, params string[] args)
    {
        var environment = new Dictionary<string, string>(transport == "local" ? Run.LocalClientEnvironment : Run.ClientEnvironment);
        if (withSecret)
        {
            environment["NCS_IPC_ACCESS_FILE"] = Run.SecretPath;
        }

        return NsoSimProcess.RunAsync(args, environment, cancellationToken);
    }

    private IpcEndpoint Endpoint(string transport) =>
        transport == "local" ? new LocalIpcEndpoint(Run.SocketPath) : new TcpIpcEndpoint(new IPEndPoint(IPAddress.Loopback, Run.IpcPort));
}
