using System.Net.Sockets;

namespace NsoDev.Simulator.Transport;

/// <summary>
/// One bound, listening socket (TCP or Unix) and the connections accepted on it, each served by
/// the plugged-in <see cref="IConnectionHandler"/>. Binding and accepting are separate steps so
/// that a daemon can bind everything before it serves anything.
/// </summary>
internal abstract class ServiceListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly IConnectionHandler _handler;
    private readonly Action<string> _reportError;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _connections = [];
    private Task _acceptLoop = Task.CompletedTask;
    private bool _disposed;

    protected ServiceListener(Socket socket, IConnectionHandler handler, Action<string> reportError)
    {
        _socket = socket;
        _handler = handler;
        _reportError = reportError;
    }

    /// <summary>The name <c>--status</c> shows, such as <c>ipc</c> or <c>cli-ssh</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What set the address, such as <c>cli/ssh</c> or <c>NCS_IPC_PATH</c>; logs and errors name it.</summary>
    public abstract string ConfPath { get; }

    /// <summary><c>tcp</c> or <c>local</c>.</summary>
    public abstract string Transport { get; }

    /// <summary>The address actually bound: <c>127.0.0.1:4569</c> or a socket path.</summary>
    public abstract string Address { get; }

    public void StartAccepting() => _acceptLoop = AcceptLoopAsync();

    /// <summary>Stops accepting, ends every connection, and waits (briefly) for their handlers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync();
        _socket.Dispose();
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
        OnClosed();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs once the socket is closed and the handlers are done.</summary>
    protected virtual void OnClosed()
    {
    }

    protected abstract string PeerOf(Socket connection);

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _socket.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // A client that gave up between SYN and accept; the listener itself is fine.
                _reportError($"{ConfPath}: accept failed: {e.Message}");
                continue;
            }

            if (connection.ProtocolType == ProtocolType.Tcp)
            {
                // Replies go out as several small writes (an SSH packet, then the NETCONF end
                // marker); with Nagle on, each waits for the client's delayed ACK, ~40 ms a call.
                connection.NoDelay = true;
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
            var peer = PeerOf(connection);
            await using var stream = new NetworkStream(connection, ownsSocket: true);
            await _handler.HandleAsync(stream, peer, _stopping.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer or the daemon closed the connection.
        }
#pragma warning disable CA1031 // A handler's bug must cost one connection, never the daemon.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _reportError($"{ConfPath}: connection handler failed: {e}");
        }
    }
}
