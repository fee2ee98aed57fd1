using System.Net;
using System.Net.Sockets;
using NsoDev.Simulator.Ssh.HostKeys;

namespace NsoDev.Simulator.Ssh;

/// <summary>
/// A small SSH-2 server for nso-sim, on .NET's own cryptography. It serves one connection per
/// call of <see cref="HandleConnectionAsync"/>, over any duplex stream; <see cref="SshListener"/>
/// accepts TCP connections for it.
/// </summary>
/// <remarks>
/// Key exchange ecdh-sha2-nistp256; host keys ecdsa-sha2-nistp256, rsa-sha2-512 and rsa-sha2-256;
/// ciphers aes128/256-gcm@openssh.com and aes128/256-ctr; MACs hmac-sha2-256/512 and their
/// -etm@openssh.com forms; password authentication; session channels only.
/// </remarks>
public sealed class SshServer : IAsyncDisposable
{
    private readonly SshServerOptions _options;
    private readonly HostKeySet _hostKeys;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _connections = [];
    private bool _disposed;

    /// <summary>
    /// Checks the options and loads the host keys, generating any that are missing (an RSA-3072
    /// key takes a second or two, once).
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    /// <exception cref="InvalidDataException">A host key file exists but cannot be read.</exception>
    public SshServer(SshServerOptions options)
        : this(options, TimeProvider.System)
    {
    }

    internal SshServer(SshServerOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time;
        _hostKeys = HostKeyStore.LoadOrCreate(options.HostKeyDirectory, options.Log);
    }

    internal HostKeySet HostKeys => _hostKeys;

    /// <summary>
    /// Serves one client on <paramref name="transport"/> until it disconnects, breaks the
    /// protocol, times out, or the token fires. Protocol errors end the connection, not the
    /// call: this returns normally. The caller closes the stream afterwards.
    /// </summary>
    /// <param name="transport">A connected duplex stream, such as a <see cref="NetworkStream"/>.</param>
    /// <param name="remote">The client's address for logs and handlers; when null it is taken from a <see cref="NetworkStream"/>.</param>
    /// <param name="cancellationToken">Ends the connection, for instance when the daemon stops.</param>
    /// <exception cref="ObjectDisposedException">The server has been disposed.</exception>
    public async Task HandleConnectionAsync(Stream transport, IPEndPoint? remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ObjectDisposedException.ThrowIf(_disposed, this);
        remote ??= RemoteOf(transport);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var connection = new SshConnection(transport, remote, _options, _hostKeys, _time);
        var run = connection.RunAsync(linked.Token);
        lock (_connections)
        {
            _connections.Add(run);
        }

        try
        {
            await run;
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(run);
            }
        }
    }

    private static IPEndPoint? RemoteOf(Stream transport)
    {
        try
        {
            return (transport as NetworkStream)?.Socket.RemoteEndPoint as IPEndPoint;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>Ends every connection, waits for them (briefly), and releases the host keys.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync();
        Task[] live;
        lock (_connections)
        {
            live = [.. _connections];
        }

        try
        {
            await Task.WhenAll(live).WaitAsync(SshServerDefaults.ShutdownGrace * 2);
            _hostKeys.Dispose();
        }
        catch (TimeoutException)
        {
            // A connection stuck in a handler that ignores cancellation keeps the keys alive.
        }

        _stopping.Dispose();
    }
}
