using System.Net;
using System.Net.Sockets;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>Local IPC (<c>ncs-local-ipc</c>, a Unix socket) on a real daemon (NSO-NOTES §1).</summary>
[Collection(RealProcesses.Name)]
public sealed class LocalIpcProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(25);

    private readonly SimRunDirectory _run = new();
    private NsoSimProcess? _daemon;
    private NsoSimProcess? _second;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in new[] { _daemon, _second })
        {
            if (daemon is not null)
            {
                await daemon.DisposeAsync();
            }
        }

        _run.Dispose();
    }

    [Fact(Timeout = 90_000)]
    public async Task The_daemon_binds_the_socket_creating_its_directory_and_status_via_ncs_ipc_path_shows_it()
    {
        await StartAsync(TestContext.Current.CancellationToken);
        var status = await NsoSimProcess.RunAsync(["--status"], _run.LocalClientEnvironment, TestContext.Current.CancellationToken);

        Assert.Equal(0, status.ExitCode);
        Assert.Contains($"  ipc: local {_run.SocketPath}\n", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("access-check: off\n", status.Stdout, StringComparison.Ordinal);
        Assert.Contains($"- Listening on {_run.SocketPath} for ipc (ncs-local-ipc)\n", _run.NcsLog, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task With_local_ipc_on_tcp_ipc_is_off()
    {
        await StartAsync(TestContext.Current.CancellationToken);

        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, _run.IpcPort, TestContext.Current.CancellationToken).AsTask());
    }

    [Fact(Timeout = 90_000)]
    public async Task The_socket_file_is_removed_on_a_clean_stop()
    {
        await StartAsync(TestContext.Current.CancellationToken);

        var stop = await NsoSimProcess.RunAsync(["--stop"], _run.LocalClientEnvironment, TestContext.Current.CancellationToken);

        Assert.Equal(0, stop.ExitCode);
        Assert.Equal(0, await _daemon!.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(_run.SocketPath));
    }

    [Fact(Timeout = 90_000)]
    public async Task A_stale_socket_left_by_a_killed_daemon_is_removed_and_bound_again()
    {
        await StartAsync(TestContext.Current.CancellationToken);
        await _daemon!.KillAsync();
        Assert.True(File.Exists(_run.SocketPath), "SIGKILL leaves the socket file behind");

        _second = (await SimDaemon.StartAsync(_run, new SimDaemonOptions { UnixSocket = true }, TestContext.Current.CancellationToken)).Process;

        Assert.Contains($"Removed the stale IPC socket {_run.SocketPath}: no daemon answered on it", _run.NcsLog, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_second_daemon_on_the_same_path_exits_20_naming_the_path_and_the_first_keeps_serving()
    {
        await StartAsync(TestContext.Current.CancellationToken);
        using var other = new SimRunDirectory();
        other.WriteConf(_run.LocalIpc);

        _second = NsoSimProcess.Start(other.DaemonArgs);

        Assert.Equal(20, await _second.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Equal(
            $"nso-sim: cannot bind ncs-local-ipc on {_run.SocketPath}: another daemon is listening there; stop it (NCS_IPC_PATH={_run.SocketPath} ncs --stop) or choose another path\n",
            _second.Stderr);
        Assert.Equal(0, (await NsoSimProcess.RunAsync(["--status"], _run.LocalClientEnvironment, TestContext.Current.CancellationToken)).ExitCode);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_socket_path_over_107_bytes_fails_the_start_with_exit_21()
    {
        var path = "/tmp/" + new string('n', 110);
        _run.WriteConf($"<ncs-local-ipc><enabled>true</enabled><path>{path}</path></ncs-local-ipc>");

        _daemon = NsoSimProcess.Start(_run.DaemonArgs);

        Assert.Equal(21, await _daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Equal(
            $"nso-sim: Bad configuration: {_run.ConfPath}:12: /ncs-config/ncs-local-ipc/path: \"{path}\" is 115 bytes; a Unix socket path holds at most 107; choose a shorter path\n",
            _daemon.Stderr);
    }

    /// <summary>A daemon with local IPC on the run directory's socket.</summary>
    private async Task StartAsync(CancellationToken cancellationToken) =>
        _daemon = (await SimDaemon.StartAsync(_run, new SimDaemonOptions { UnixSocket = true }, cancellationToken)).Process;
}
