using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Tests.Ipc;

/// <summary>
/// nso-sim's IPC daemon side in this process, reached over in-memory pipes (<c>pipe</c>), a real TCP
/// socket on a port the kernel picks (<c>tcp</c>) or a real Unix socket (<c>local</c>), with every
/// log line it reports collected. Each <see cref="ConnectAsync"/> is one raw client connection.
/// </summary>
internal sealed class IpcDaemonEnd : IAsyncDisposable
{
    /// <summary>The ports the warnings must name; no listener is bound to them.</summary>
    public const int CliSshPort = 12024;
    public const int NetconfSshPort = 12022;

    public static readonly NsoVersion Version = NsoVersion.Default;

    private readonly string _transport;
    private readonly IpcConnectionHandler _handler;
    private readonly ServiceListener? _listener;
    private readonly string? _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pipeSessions = [];

    private IpcDaemonEnd(string transport, IIpcAccessCheck check, bool cliSsh)
    {
        _transport = transport;
        var context = new IpcSessionContext(Version, check, new OkControl(), Log.Enqueue, r => Log.Enqueue(r.ToString()))
        {
            ReportUnserved = m => Log.Enqueue("WARNING " + m),
            ReportDevel = m => Log.Enqueue("devel " + m),
            NorthboundPort = name => name switch
            {
                IpcUnservedClient.CliSsh when cliSsh => CliSshPort,
                IpcUnservedClient.NetconfSsh => NetconfSshPort,
                _ => null,
            },
        };
        _handler = new IpcConnectionHandler(context);
        if (transport == "tcp")
        {
            _listener = TcpServiceListener.Bind(new ListenerConf("ipc", "ncs-ipc-address", true, IPAddress.Loopback, 0), _handler, Log.Enqueue);
        }
        else if (transport == "local")
        {
            _directory = Directory.CreateTempSubdirectory("nsodev-ipc-").FullName;
            _listener = UnixSocketListener.Bind(new LocalIpcEndpoint(Path.Combine(_directory, "ipc.sock")), "ncs-local-ipc", _handler, Log.Enqueue, _ => { });
        }

        _listener?.StartAccepting();
    }

    /// <summary>Every line the daemon side reported: protocol errors and rejections as they are, unserved clients as <c>WARNING ...</c>, devel lines as <c>devel ...</c>.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public static TheoryData<string> Transports => ["pipe", "tcp", "local"];

    public static IpcDaemonEnd Start(string transport, IIpcAccessCheck check, bool cliSsh = true) => new(transport, check, cliSsh);

    public async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_listener is null)
        {
            var (client, server) = DuplexPipeStream.CreatePair();
            _pipeSessions.Add(Task.Run(async () =>
            {
                await using (server)
                {
                    await _handler.HandleAsync(server, "pipe", _stop.Token);
                }
            }, cancellationToken));
            return client;
        }

        IpcEndpoint endpoint = _listener is TcpServiceListener tcp
            ? new TcpIpcEndpoint(new IPEndPoint(IPAddress.Loopback, tcp.LocalEndPoint.Port))
            : new LocalIpcEndpoint(_listener.Address);
        var socket = endpoint.NewSocket();
        await socket.ConnectAsync(endpoint.SocketEndPoint, cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>A log line containing <paramref name="text"/>, waited for briefly: over a socket it may land just after the close.</summary>
    public async Task<string> LogLineAsync(string text, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (Log.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(2), $"no log line containing \"{text}\"; the log:\n{string.Join('\n', Log)}");
            await Task.Delay(20, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }

        await Task.WhenAll(_pipeSessions).WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    public override string ToString() => _transport;

    private sealed class OkControl : ISimControl
    {
        public ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken) => ValueTask.FromResult("ok: " + request);
    }
}

/// <summary>Byte-level reading and writing on a raw connection, for replaying recorded traces.</summary>
internal static class RawIpc
{
    /// <summary>Parses a trace as docs/NSO-NOTES.md §4 writes it: <c>85 0052 08020500 3c 12</c>.</summary>
    public static byte[] Hex(string trace) => Convert.FromHexString(trace.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static async Task SendAsync(this Stream stream, string trace, CancellationToken cancellationToken) => await stream.SendAsync(Hex(trace), cancellationToken);

    /// <summary>One write, as NSO's libraries send their hello.</summary>
    public static async Task SendAsync(this Stream stream, byte[] bytes, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    public static async Task<byte[]> ReceiveAsync(this Stream stream, int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    /// <summary>
    /// Waits for the daemon to close the connection by itself, and says how long it took and what came
    /// before the close. Fails when nothing closes within <paramref name="within"/> plus a margin for a
    /// loaded machine: the sub-second figure itself follows from the session's timeouts, which
    /// <c>IpcSessionTests</c> checks, not from a wall clock here. <paramref name="cancellationToken"/> ends the wait early.
    /// </summary>
    public static async Task<(byte[] Received, TimeSpan Elapsed)> ReadToCloseAsync(this Stream stream, TimeSpan within, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(within + TimeSpan.FromSeconds(4));
        var rest = new List<byte>();
        var buffer = new byte[256];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) is var read and > 0)
            {
                rest.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (IOException)
        {
            // Reset instead of closed: closed all the same.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"the daemon did not close the connection within {within + TimeSpan.FromSeconds(4)}");
        }

        return ([.. rest], clock.Elapsed);
    }
}
