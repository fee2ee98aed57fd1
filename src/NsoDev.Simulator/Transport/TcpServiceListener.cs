using System.Net;
using System.Net.Sockets;
using NsoDev.Simulator.Configuration;

namespace NsoDev.Simulator.Transport;

/// <summary>
/// One bound TCP socket and the connections accepted on it, each served by the plugged-in
/// <see cref="IConnectionHandler"/>. Binding and accepting are separate steps so that a daemon
/// can bind everything before it serves anything.
/// </summary>
internal sealed class TcpServiceListener : IAsyncDisposable
{
    private readonly TcpListener _socket;
    private readonly IConnectionHandler _handler;
    private readonly Action<string> _reportError;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _connections = [];
    private Task _acceptLoop = Task.CompletedTask;

    private TcpServiceListener(ListenerConf conf, TcpListener socket, IConnectionHandler handler, Action<string> reportError)
    {
        Conf = conf;
        _socket = socket;
        _handler = handler;
        _reportError = reportError;
    }

    public ListenerConf Conf { get; }

    /// <summary>The address actually bound; the port differs from ncs.conf when that says 0.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndpoint;

    /// <exception cref="ListenerBindException">The address is taken or not ours.</exception>
    public static TcpServiceListener Bind(ListenerConf conf, IConnectionHandler handler, Action<string> reportError)
    {
        var socket = new TcpListener(conf.EndPoint);
        try
        {
            socket.Start();
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw ListenerBindException.For(conf, e);
        }

        return new TcpServiceListener(conf, socket, handler, reportError);
    }

    public void StartAccepting() => _acceptLoop = AcceptLoopAsync();

    /// <summary>Stops accepting, ends every connection, and waits (briefly) for their handlers.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Stop();
        await _acceptLoop;
        Task[] live;
        lock (_connections)
        {
            live = [.. _connections];
        }

        try
        {
            await Task.WhenAll(live).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            // A handler that ignores cancellation; its socket dies with the process.
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _socket.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // A client that gave up between SYN and accept; the listener itself is fine.
                _reportError($"{Conf.ConfPath}: accept failed: {e.Message}");
                continue;
            }

            Track(ServeAsync(connection));
        }
    }

    private void Track(Task connection)
    {
        lock (_connections)
        {
            _connections.Add(connection);
        }

        connection.ContinueWith(
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

    private async Task ServeAsync(Socket connection)
    {
        await Task.Yield();
        try
        {
            await using var stream = new NetworkStream(connection, ownsSocket: true);
            await _handler.HandleAsync(stream, _stopping.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer or the daemon closed the connection.
        }
#pragma warning disable CA1031 // A handler's bug must cost one connection, never the daemon.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _reportError($"{Conf.ConfPath}: connection handler failed: {e}");
        }
    }
}
