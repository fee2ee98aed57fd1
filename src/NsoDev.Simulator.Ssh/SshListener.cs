using System.Net;
using System.Net.Sockets;

namespace NsoDev.Simulator.Ssh;

/// <summary>
/// Accepts TCP connections and hands each to an <see cref="SshServer"/>. The daemon has a
/// listener of its own and calls <see cref="SshServer.HandleConnectionAsync"/> directly; this
/// one is for tests and small hosts.
/// </summary>
public sealed class SshListener(SshServer server) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _connections = [];
    private TcpListener? _socket;
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>The address actually bound, once started.</summary>
    public IPEndPoint LocalEndPoint =>
        (IPEndPoint?)_socket?.LocalEndpoint ?? throw new InvalidOperationException("the SSH listener is not started; call Start first");

    /// <summary>Binds <paramref name="endPoint"/> (port 0 picks a free port) and starts accepting.</summary>
    /// <returns>The port bound.</returns>
    /// <exception cref="SocketException">The address is taken or not on this host.</exception>
    public int Start(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (_socket is not null)
        {
            throw new InvalidOperationException("the SSH listener is already started");
        }

        _socket = new TcpListener(endPoint);
        _socket.Start();
        _acceptLoop = AcceptLoopAsync(_socket);
        return LocalEndPoint.Port;
    }

    /// <summary>Stops accepting and ends every connection it accepted.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket?.Stop();
        await _acceptLoop;
        Task[] live;
        lock (_connections)
        {
            live = [.. _connections];
        }

        await Task.WhenAll(live);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(TcpListener socket)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A client that gave up between SYN and accept; the listener itself is fine.
                continue;
            }

            var connection = ServeAsync(client);
            lock (_connections)
            {
                _connections.Add(connection);
            }

            _ = connection.ContinueWith(
                done =>
                {
                    lock (_connections)
                    {
                        _connections.Remove(done);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        await Task.Yield();
        client.NoDelay = true;
        await using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            await server.HandleConnectionAsync(stream, client.RemoteEndPoint as IPEndPoint, _stopping.Token);
        }
        catch (ObjectDisposedException)
        {
            // The server was disposed before this connection began.
        }
    }
}
