using System.Globalization;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>The control commands as a user runs them, with no daemon behind the port.</summary>
[Collection(RealProcesses.Name)]
public sealed class ControlCommandProcessTests
{
    private static readonly Dictionary<string, string> NothingListening = new()
    {
        ["NCS_IPC_PORT"] = FreePorts.One().ToString(CultureInfo.InvariantCulture),
    };

    [Theory(Timeout = 90_000)]
    [InlineData("--status", "connection refused (status)")]
    [InlineData("--stop", "connection refused (stop)")]
    public async Task A_control_command_with_no_daemon_says_connection_refused_and_exits_1(string option, string message)
    {
        var result = await NsoSimProcess.RunAsync([option], NothingListening, TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(message + "\n", result.Stderr);
    }

    [Fact(Timeout = 90_000)]
    public async Task Wait_started_with_no_daemon_retries_for_the_try_time_then_exits_2()
    {
        var result = await NsoSimProcess.RunAsync(["--wait-started", "1"], NothingListening, TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("connection refused (wait-started)\n", result.Stderr);
        Assert.InRange(result.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    }

    [Fact(Timeout = 90_000)]
    public async Task Version_prints_the_simulated_version_and_says_it_is_a_simulator()
    {
        var result = await NsoSimProcess.RunAsync(["--version"], new Dictionary<string, string> { ["NSO_SIM_VERSION"] = "6.7" }, TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"6.7 (nso-sim, a simulator of Cisco NSO; {NsoSimProcess.BuildName})\n", result.Stdout);
    }

    [Fact(Timeout = 90_000)]
    public async Task An_unknown_option_is_reported_on_stderr_with_exit_1()
    {
        var result = await NsoSimProcess.RunAsync(["--frobnicate"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("*** --frobnicate: Unknown option\n", result.Stderr);
    }

    [Fact(Timeout = 90_000)]
    public async Task Ncs_ipc_path_wins_over_the_tcp_variables_and_with_no_socket_says_connection_refused()
    {
        using var run = new SimRunDirectory();

        var result = await NsoSimProcess.RunAsync(["--status"], run.LocalClientEnvironment, TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("connection refused (status)\n", result.Stderr);
    }

    [Fact(Timeout = 90_000)]
    public async Task An_unreadable_access_file_is_a_clear_error_with_exit_1()
    {
        var environment = new Dictionary<string, string>(NothingListening) { ["NCS_IPC_ACCESS_FILE"] = "/nonexistent/ipc_access" };

        var result = await NsoSimProcess.RunAsync(["--status"], environment, TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("nso-sim: NCS_IPC_ACCESS_FILE=/nonexistent/ipc_access: cannot read the IPC access secret: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_path_too_long_for_a_unix_socket_in_ncs_ipc_path_is_refused()
    {
        var environment = new Dictionary<string, string> { ["NCS_IPC_PATH"] = "/tmp/" + new string('x', 120) };

        var result = await NsoSimProcess.RunAsync(["--status"], environment, TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("a Unix socket path holds at most 107", result.Stderr, StringComparison.Ordinal);
    }
}
