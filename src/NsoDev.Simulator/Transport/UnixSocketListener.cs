using System.Net.Sockets;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Transport;

/// <summary>
/// Local IPC: a listening Unix socket at <c>ncs-local-ipc/path</c> or <c>NCS_IPC_PATH</c>
/// (NSO-NOTES §1). The parent directory is created; a socket file left by a daemon that
/// died is replaced; a live daemon on the same path is an error (exit 20). The file is removed
/// when the listener closes.
/// </summary>
internal sealed class UnixSocketListener : ServiceListener
{
    private readonly LocalIpcEndpoint _endpoint;

    private UnixSocketListener(LocalIpcEndpoint endpoint, string confPath, Socket socket, IConnectionHandler handler, Action<string> reportError)
        : base(socket, handler, reportError)
    {
        _endpoint = endpoint;
        ConfPath = confPath;
    }

    public override string Name => "ipc";

    public override string ConfPath { get; }

    public override string Transport => "local";

    public override string Address => _endpoint.Path;

    /// <summary>
    /// <paramref name="confPath"/> is what named the path (<c>ncs-local-ipc</c> or <c>NCS_IPC_PATH</c>);
    /// <paramref name="reportStale"/> is told when a stale socket file is removed.
    /// </summary>
    /// <exception cref="ListenerBindException">A live daemon holds the path, or it cannot be bound.</exception>
    public static UnixSocketListener Bind(LocalIpcEndpoint endpoint, string confPath, IConnectionHandler handler, Action<string> reportError, Action<string> reportStale)
    {
        var path = endpoint.Path;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ListenerBindException($"cannot bind {confPath} on {path}: cannot create its directory: {e.Message}", e);
        }

        RemoveStaleSocket(path, confPath, reportStale);
        var socket = endpoint.NewSocket();
        try
        {
            socket.Bind(endpoint.SocketEndPoint);
            socket.Listen();
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var reason = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "another daemon took the path first; choose another path",
                SocketError.AccessDenied => "permission denied; choose a path in a directory you can write",
                _ => e.Message,
            };
            throw new ListenerBindException($"cannot bind {confPath} on {path}: {reason}", e);
        }

        return new UnixSocketListener(endpoint, confPath, socket, handler, reportError);
    }

    protected override string PeerOf(Socket connection) => "local";

    /// <summary>.NET unlinks the socket file when the bound socket is disposed; this covers the rest.</summary>
    protected override void OnClosed()
    {
        try
        {
            if (File.Exists(_endpoint.Path) && !Answers(_endpoint))
            {
                File.Delete(_endpoint.Path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next start, which removes a stale socket.
        }
    }

    /// <summary>
    /// A socket file nobody answers on is left by a daemon that died: remove it. A live one is
    /// another daemon's (exit 20). A non-empty regular file is not ours to delete.
    /// </summary>
    private static void RemoveStaleSocket(string path, string confPath, Action<string> reportStale)
    {
        if (Directory.Exists(path))
        {
            throw new ListenerBindException($"cannot bind {confPath} on {path}: it is a directory; choose another path");
        }

        if (!File.Exists(path))
        {
            return;
        }

        var endpoint = new LocalIpcEndpoint(path);
        if (Answers(endpoint))
        {
            throw new ListenerBindException(
                $"cannot bind {confPath} on {path}: another daemon is listening there; stop it (NCS_IPC_PATH={path} ncs --stop) or choose another path");
        }

        if (new FileInfo(path).Length > 0)
        {
            throw new ListenerBindException($"cannot bind {confPath} on {path}: a file that is not a socket is in the way; move it or choose another path");
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ListenerBindException($"cannot bind {confPath} on {path}: cannot remove the stale socket: {e.Message}", e);
        }

        reportStale($"Removed the stale IPC socket {path}: no daemon answered on it");
    }

    private static bool Answers(LocalIpcEndpoint endpoint)
    {
        using var probe = endpoint.NewSocket();
        try
        {
            probe.Connect(endpoint.SocketEndPoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
