using System.Net;
using System.Net.Sockets;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>The nso-sim daemon as the orchestrator runs it, on free ports in a temporary run directory.</summary>
[Collection(RealProcesses.Name)]
public sealed class DaemonProcessTests : DaemonProcessTest
{
    [Fact(Timeout = 90_000)]
    public async Task A_started_daemon_accepts_connections_on_its_ipc_netconf_and_cli_ports()
    {
        await StartAsync(TestContext.Current.CancellationToken);

        foreach (var port in new[] { Run.IpcPort, Run.NetconfPort, Run.CliPort })
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
            Assert.True(client.Connected, $"port {port}");
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task Garbage_on_ipc_costs_only_its_own_connection()
    {
        await StartAsync(TestContext.Current.CancellationToken);
        byte[][] garbage =
        [
            [0x87, 0x00, 0x55],                                         // asks for a challenge while the check is off
            [0x29, 0x00, 0x55, 0x06, 0x05, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF], // absurd frame length
            [0x07, 0x00, 0x99, 0x06, 0x09, 0x00, 0x00, 0x00, 0x00],     // a protocol from the future
            [0x05, 0x00],                                               // half a hello, then gone
        ];

        foreach (var bytes in garbage)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Run.IpcPort, TestContext.Current.CancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(bytes, TestContext.Current.CancellationToken);
            client.Client.Shutdown(SocketShutdown.Send);
            try
            {
                while (await stream.ReadAsync(new byte[64], TestContext.Current.CancellationToken) > 0)
                {
                }
            }
            catch (IOException)
            {
                // Closed with our bytes unread: a reset, which is a close too.
            }
        }

        var status = await ControlAsync(TestContext.Current.CancellationToken, "--status");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("status: started", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("is over the 4096-byte limit", Run.NcsLog, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task Status_prints_started_and_where_the_daemon_listens()
    {
        await StartAsync(TestContext.Current.CancellationToken);

        var status = await ControlAsync(TestContext.Current.CancellationToken, "--status");

        Assert.Equal(0, status.ExitCode);
        Assert.Equal(
            $"""
            vsn: 6.5
            SMP support: no
            engine: nso-sim (a simulator of Cisco NSO 6.5, {NsoSimProcess.BuildName}; this is not NSO)
            status: started
            access-check: off
            listen:
              ipc: tcp 127.0.0.1:{Run.IpcPort}
              netconf-ssh: 127.0.0.1:{Run.NetconfPort}
              cli-ssh: 127.0.0.1:{Run.CliPort}

            """,
            status.Stdout);
    }

    [Fact(Timeout = 90_000)]
    public async Task Ncs_log_lists_the_endpoints_and_says_started()
    {
        await StartAsync(TestContext.Current.CancellationToken);

        var log = Run.NcsLog;

        Assert.Matches(@"^<INFO> \d\d-[A-Z][a-z]{2}-\d{4}::\d\d:\d\d:\d\d\.\d{3} \S+ nso-sim\[\d+\]: - Starting nso-sim", log);
        Assert.Contains($"- Listening on 127.0.0.1:{Run.IpcPort} for ipc (ncs-ipc-address)\n", log, StringComparison.Ordinal);
        Assert.Contains($"- Listening on 127.0.0.1:{Run.NetconfPort} for netconf-ssh (netconf-north-bound/transport/ssh)\n", log, StringComparison.Ordinal);
        Assert.Contains($"- Listening on 127.0.0.1:{Run.CliPort} for cli-ssh (cli/ssh)\n", log, StringComparison.Ordinal);
        Assert.EndsWith("- Started\n", log, StringComparison.Ordinal);

        // -v echoes every ncs.log line to stdout.
        Assert.True(await Daemon!.WaitForStdoutAsync("- Started", ExitWait, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 90_000)]
    public async Task Stop_returns_once_the_daemon_has_stopped_cleanly()
    {
        await StartAsync(TestContext.Current.CancellationToken);

        var stop = await ControlAsync(TestContext.Current.CancellationToken, "--stop");

        Assert.Equal(0, stop.ExitCode);
        Assert.Equal(0, await Daemon!.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        var log = Run.NcsLog;
        Assert.Contains("- Stopping (clean shutdown: --stop)\n", log, StringComparison.Ordinal);
        Assert.EndsWith("- Stopped\n", log, StringComparison.Ordinal);
        AssertPortsAreFree();
    }

    [Fact(Timeout = 90_000)]
    public async Task A_stop_over_IPC_logs_which_process_sent_it()
    {
        await StartAsync(TestContext.Current.CancellationToken);

        var stop = await ControlAsync(TestContext.Current.CancellationToken, "--stop");

        Assert.Equal(0, stop.ExitCode);
        await Daemon!.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken);
        var requested = Assert.Single(Run.NcsLog.Split('\n'), l => l.Contains("--stop requested over IPC from 127.0.0.1:", StringComparison.Ordinal));
        // The sender is the `nso-sim --stop` process, still connected while it waits for the reply.
        Assert.Matches(@"pid \d+ \(\S*nso-sim\S* --stop\)$", requested);
    }

    [Fact(Timeout = 90_000)]
    public async Task Eof_on_stdin_stops_the_daemon_cleanly()
    {
        await StartAsync(TestContext.Current.CancellationToken);

        Daemon!.CloseStandardInput();

        Assert.Equal(0, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Contains("- Stopping (clean shutdown: EOF on stdin)\n", Run.NcsLog, StringComparison.Ordinal);
    }

    [Theory(Timeout = 90_000)]
    [InlineData("TERM", "unclean shutdown (SIGTERM)", 143)]
    [InlineData("INT", "unclean shutdown (SIGINT)", 130)]
    public async Task A_signal_is_an_unclean_shutdown_written_to_ncs_log(string signal, string message, int exitCode)
    {
        await StartAsync(TestContext.Current.CancellationToken);

        await Daemon!.SignalAsync(signal);

        Assert.Equal(exitCode, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Matches($@"<CRIT> .* - Stopping \({message.Replace("(", @"\(", StringComparison.Ordinal).Replace(")", @"\)", StringComparison.Ordinal)}\)\n$", Run.NcsLog);
    }

    [Fact(Timeout = 90_000)]
    public async Task Reload_rereads_ncs_conf_and_reopens_every_log()
    {
        await StartAsync(TestContext.Current.CancellationToken);
        foreach (var name in new[] { "ncs.log", "devel.log", "audit.log" })
        {
            File.Move(Run.LogPath(name), Run.LogPath(name) + ".1");
        }

        var reload = await ControlAsync(TestContext.Current.CancellationToken, "--reload");

        Assert.Equal(0, reload.ExitCode);
        Assert.Contains($"- Reloaded {Run.ConfPath}\n", Run.NcsLog, StringComparison.Ordinal);
        Assert.Contains("- ncs --reload: reloaded", Run.AuditLog, StringComparison.Ordinal);
        Assert.True(File.Exists(Run.LogPath("devel.log")));
    }

    [Fact(Timeout = 90_000)]
    public async Task Log_file_names_come_from_ncs_conf_and_netconf_log_is_written_only_when_enabled()
    {
        Run.WriteConf("""
            <logs>
              <developer-log><file><name>./trace/dev.log</name></file></developer-log>
              <audit-log><enabled>true</enabled><file><name>./trace/who.log</name><enabled>true</enabled></file></audit-log>
              <netconf-log><enabled>true</enabled><file><name>./trace/nc.log</name></file></netconf-log>
            </logs>
            """);

        await StartAsync(TestContext.Current.CancellationToken);

        Assert.True(File.Exists(Path.Combine(Run.Path, "trace", "dev.log")));
        Assert.True(File.Exists(Path.Combine(Run.Path, "trace", "who.log")));
        Assert.True(File.Exists(Path.Combine(Run.Path, "trace", "nc.log")));
        Assert.False(File.Exists(Run.LogPath("netconf.log")));
    }

    [Fact(Timeout = 90_000)]
    public async Task Netconf_log_is_not_written_by_default()
    {
        await StartAsync(TestContext.Current.CancellationToken);

        Assert.True(File.Exists(Run.LogPath("audit.log")));
        Assert.False(File.Exists(Run.LogPath("netconf.log")));
    }

    [Fact(Timeout = 90_000)]
    public async Task Nolog_writes_no_log_files_but_verbose_still_echoes_ncs_log()
    {
        Daemon = NsoSimProcess.Start([.. Run.DaemonArgs, "--nolog"]);
        var wait = await ControlAsync(TestContext.Current.CancellationToken, "--wait-started", NsoSimProcess.WaitStartedSeconds);

        Assert.Equal(0, wait.ExitCode);
        Assert.True(await Daemon.WaitForStdoutAsync("- Started", ExitWait, TestContext.Current.CancellationToken));
        Assert.False(Directory.Exists(Path.Combine(Run.Path, "logs")));
    }

    [Fact(Timeout = 90_000)]
    public async Task A_busy_port_fails_the_start_with_exit_20_naming_the_listener_and_leaves_nothing_bound()
    {
        using var holder = new TcpListener(IPAddress.Loopback, Run.CliPort);
        holder.Start();

        Daemon = NsoSimProcess.Start(Run.DaemonArgs);

        Assert.Equal(20, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Equal($"nso-sim: cannot bind cli/ssh on 127.0.0.1:{Run.CliPort}: address already in use; stop what holds it or pick another port in ncs.conf\n", Daemon.Stderr);
        Assert.Contains($"<ERR> ", Run.NcsLog, StringComparison.Ordinal);
        holder.Stop();
        AssertPortsAreFree();
    }

    [Fact(Timeout = 90_000)]
    public async Task A_bad_port_in_ncs_conf_fails_the_start_with_exit_21_naming_the_element_and_line()
    {
        File.WriteAllText(Run.ConfPath, SimRunDirectory.NcsConf(Run.IpcPort, Run.NetconfPort, Run.CliPort).Replace($"<port>{Run.CliPort}</port>", "<port>twenty</port>", StringComparison.Ordinal));

        Daemon = NsoSimProcess.Start(Run.DaemonArgs);

        Assert.Equal(21, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Equal($"nso-sim: Bad configuration: {Run.ConfPath}:10: /ncs-config/cli/ssh/port: \"twenty\" is not a port number (0..65535)\n", Daemon.Stderr);
    }

    [Theory(Timeout = 90_000)]
    [InlineData("not xml at all", "not well-formed XML")]
    [InlineData("<ncs-config/>", "the root element must be")]
    public async Task A_file_that_is_not_an_ncs_conf_fails_the_start_with_exit_21(string text, string problem)
    {
        File.WriteAllText(Run.ConfPath, text);

        Daemon = NsoSimProcess.Start(Run.DaemonArgs);

        Assert.Equal(21, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Contains(problem, Daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_missing_ncs_conf_fails_the_start_with_exit_21()
    {
        File.Delete(Run.ConfPath);

        Daemon = NsoSimProcess.Start(Run.DaemonArgs);

        Assert.Equal(21, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.StartsWith($"nso-sim: Bad configuration: {Run.ConfPath}: cannot read the file", Daemon.Stderr, StringComparison.Ordinal);
    }

    private Task<CommandResult> ControlAsync(CancellationToken cancellationToken, params string[] args) => NsoSimProcess.RunAsync(args, Run.ClientEnvironment, cancellationToken);

    private void AssertPortsAreFree()
    {
        foreach (var port in new[] { Run.IpcPort, Run.NetconfPort, Run.CliPort })
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
        }
    }
}
