using System.Net.Sockets;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Control;

/// <summary>
/// <c>ncs --status</c>, <c>--stop</c>, <c>--reload</c> and <c>--wait-started</c> against a running
/// daemon, with NSO's messages and exit codes (NSO-NOTES §2). They are IPC clients like
/// any other: <paramref name="secret"/> (from <c>NCS_IPC_ACCESS_FILE</c>) makes them answer a v2
/// challenge, and a rejection prints <c>Access Rejected (status)</c> and exits 1. The secret is
/// the access file's bytes, or null to ask for no challenge.
/// </summary>
internal sealed class ControlCommands(NsoVersion version, IpcEndpoint daemon, byte[]? secret, TextWriter stdout, TextWriter stderr, TimeProvider time)
{
    public static TimeSpan RetryInterval { get; } = TimeSpan.FromMilliseconds(25);

    public Task<int> StatusAsync(TimeSpan? timeout) =>
        RunAsync("status", timeout, NcsExitCode.InternalError, async cancellationToken =>
        {
            await using var client = await SimControlClient.ConnectAsync(daemon, version, secret, cancellationToken);
            await stdout.WriteAsync(await client.RequestAsync("status", cancellationToken));
            return NcsExitCode.Ok;
        });

    /// <summary>Returns only once the daemon has finished stopping: it closes this connection last.</summary>
    public Task<int> StopAsync(TimeSpan? timeout) =>
        RunAsync("stop", timeout, NcsExitCode.InternalError, async cancellationToken =>
        {
            await using var client = await SimControlClient.ConnectAsync(daemon, version, secret, cancellationToken);
            var reply = await client.RequestAsync("stop", cancellationToken);
            if (reply != "stopping")
            {
                await stderr.WriteLineAsync(reply);
                return NcsExitCode.InternalError;
            }

            await client.WaitForCloseAsync(cancellationToken);
            return NcsExitCode.Ok;
        });

    public Task<int> ReloadAsync(TimeSpan? timeout) =>
        RunAsync("reload", timeout, NcsExitCode.InternalError, async cancellationToken =>
        {
            await using var client = await SimControlClient.ConnectAsync(daemon, version, secret, cancellationToken);
            var reply = await client.RequestAsync("reload", cancellationToken);
            if (reply == "ok")
            {
                return NcsExitCode.Ok;
            }

            await stderr.WriteLineAsync(reply);
            return NcsExitCode.InternalError;
        });

    /// <summary>Connects within <paramref name="tryTime"/> (else 2), then polls until the status is started.</summary>
    public Task<int> WaitStartedAsync(TimeSpan tryTime, TimeSpan? timeout) =>
        RunAsync("wait-started", timeout, NcsExitCode.NoConnection, async cancellationToken =>
        {
            await using var client = await ConnectWithinAsync(tryTime, cancellationToken);
            if (client is null)
            {
                await stderr.WriteLineAsync("connection refused (wait-started)");
                return NcsExitCode.NoConnection;
            }

            while (StatusWord(await client.RequestAsync("status", cancellationToken)) != "started")
            {
                await Task.Delay(RetryInterval, time, cancellationToken);
            }

            return NcsExitCode.Ok;
        });

    private async Task<int> RunAsync(string command, TimeSpan? timeout, int noDaemonExitCode, Func<CancellationToken, Task<int>> body)
    {
        using var deadline = timeout is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        try
        {
            return await body(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"timeout ({command})");
            return NcsExitCode.Timeout;
        }
        catch (IpcProtocolException e)
        {
            await stderr.WriteLineAsync($"{e.Message} ({command})");
            return NcsExitCode.InternalError;
        }
        catch (IpcAccessRejectedException e)
        {
            await stderr.WriteLineAsync($"Access Rejected ({command})");
            await stderr.WriteLineAsync($"nso-sim: {e.Message}");
            return NcsExitCode.InternalError;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            await stderr.WriteLineAsync($"connection refused ({command})");
            return noDaemonExitCode;
        }
    }

    private async Task<SimControlClient?> ConnectWithinAsync(TimeSpan tryTime, CancellationToken cancellationToken)
    {
        using var window = new CancellationTokenSource(tryTime, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, window.Token);
        try
        {
            while (true)
            {
                try
                {
                    return await SimControlClient.ConnectAsync(daemon, version, secret, linked.Token);
                }
                catch (Exception e) when (e is SocketException or IOException)
                {
                    await Task.Delay(RetryInterval, time, linked.Token);
                }
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The word after <c>status: </c> in a status report.</summary>
    public static string? StatusWord(string report) =>
        report.Split('\n').FirstOrDefault(line => line.StartsWith("status: ", StringComparison.Ordinal))?["status: ".Length..].Trim();
}
