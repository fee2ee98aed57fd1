using System.Net;
using System.Net.Sockets;
using NsoDev.Simulator.Tests.Ipc;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>
/// Clients a real daemon admits but does not serve (docs/NSO-NOTES.md §4): closed within a second,
/// with an ncs.log WARNING that names the client and this instance's real NETCONF and CLI ports.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class UnservedIpcClientProcessTests : DaemonProcessTest
{
    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1);

    public override async ValueTask InitializeAsync() => await StartAsync(TestContext.Current.CancellationToken);

    [Fact(Timeout = 90_000)]
    public async Task A_maapi_client_that_sends_a_request_is_closed_with_a_warning_naming_the_netconf_and_cli_ports()
    {
        await using var client = await ConnectAsync(TestContext.Current.CancellationToken);
        // The request with the hello, so that the 500 ms grace for a silent client cannot end first.
        await client.SendAsync("07 0052 08020500 3c 12 00000004 83 6a 6a 6a", TestContext.Current.CancellationToken);
        Assert.Equal(0, (await client.ReceiveAsync(9, TestContext.Current.CancellationToken))[0]);
        await client.ReadToCloseAsync(WithinASecond, TestContext.Current.CancellationToken);

        var warning = await NcsLogLineAsync("MAAPI client (id 7) from 127.0.0.1:", TestContext.Current.CancellationToken);
        Assert.Contains("<WARNING>", warning, StringComparison.Ordinal);
        Assert.EndsWith(
            $"sent a request: nso-sim does not simulate MAAPI, CDB or data-provider requests, so it closed the connection. "
            + $"What works: ncs --status and the other control commands, NETCONF over SSH on port {Run.NetconfPort}, the CLI over SSH on port {Run.CliPort}",
            warning,
            StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task Ncs_cli_is_told_to_go_on_then_closed_with_a_warning_naming_the_cli_ssh_port()
    {
        await using var client = await ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("04", TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { 0 }, await client.ReceiveAsync(1, TestContext.Current.CancellationToken));
        await client.ReadToCloseAsync(WithinASecond, TestContext.Current.CancellationToken);
        Assert.EndsWith($"Use the CLI over SSH on port {Run.CliPort}", await NcsLogLineAsync("ncs_cli (id 4) from 127.0.0.1:", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_client_that_closes_right_after_the_hello_leaves_no_warning_in_ncs_log_only_a_devel_log_line()
    {
        await using (var client = await ConnectAsync(TestContext.Current.CancellationToken))
        {
            // Half-close with the hello, so the daemon sees the close whenever it reads next and not
            // after however long a loaded machine takes to run this side (the 500 ms grace would then
            // end first and warn, rightly, about a client that stayed open).
            await client.SendAsync("07 0052 08020500 3c 12", TestContext.Current.CancellationToken);
            ((NetworkStream)client).Socket.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, (await client.ReceiveAsync(9, TestContext.Current.CancellationToken))[0]);
        }

        var stop = await NsoSimProcess.RunAsync(["--stop"], Run.ClientEnvironment, TestContext.Current.CancellationToken);
        Assert.Equal(0, stop.ExitCode);
        Assert.Equal(0, await Daemon!.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.DoesNotContain("MAAPI client", Run.NcsLog, StringComparison.Ordinal);
        Assert.Contains("MAAPI client (id 7) from 127.0.0.1:", Run.ReadLog("devel.log"), StringComparison.Ordinal);
    }

    private async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Run.IpcPort), cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The ncs.log line containing <paramref name="text"/>; every line is flushed as written, so it is there or comes soon.</summary>
    private async Task<string> NcsLogLineAsync(string text, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            if (Run.NcsLog.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line.TrimEnd('\r');
            }

            Assert.False(deadline.IsCancellationRequested, $"ncs.log has no line containing \"{text}\":\n{Run.NcsLog}");
            await Task.Delay(50, cancellationToken);
        }
    }
}
