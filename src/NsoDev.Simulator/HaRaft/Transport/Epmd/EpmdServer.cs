using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NsoDev.Simulator.HaRaft.Transport.Epmd;

/// <summary>
/// nso-sim's epmd (NSO-NOTES §15): ALIVE2, PORT_PLEASE2 and NAMES on 127.0.0.1. A name stays registered
/// while the node's connection is open, and a second node is refused the name meanwhile. Unlike Erlang's
/// epmd, which runs until killed, it reports <see cref="Idle"/> once no name has been registered for
/// the idle time, so that the process can exit.
/// </summary>
internal sealed class EpmdServer : IAsyncDisposable
{
    /// <summary>How long <c>nso-sim epmd</c> waits without a registered name before it exits.</summary>
    public static readonly TimeSpan DefaultIdleExit = TimeSpan.FromSeconds(60);

    /// <summary>A client that connects and says nothing is dropped after this.</summary>
    private static readonly TimeSpan RequestLimit = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleExit;
    private readonly Dictionary<string, EpmdNode> _nodes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _idleSince;
    private uint _creation = (uint)Random.Shared.Next(1, 1 << 20);
    private Task _loops = Task.CompletedTask;
    private int _disposed;

    private EpmdServer(TcpListener listener, TimeProvider time, TimeSpan idleExit)
    {
        _listener = listener;
        _time = time;
        _idleExit = idleExit;
        _idleSince = time.GetTimestamp();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes once no name has been registered for the idle time.</summary>
    public Task Idle => _idle.Task;

    public IReadOnlyList<EpmdNode> Nodes
    {
        get
        {
            lock (_nodes)
            {
                return [.. _nodes.Values];
            }
        }
    }

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0 for any free port).</summary>
    /// <exception cref="SocketException">The port is taken: most likely another epmd runs there.</exception>
    public static EpmdServer Start(int port, TimeProvider time, TimeSpan idleExit)
    {
        ArgumentNullException.ThrowIfNull(time);
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var server = new EpmdServer(listener, time, idleExit);
        server._loops = Task.WhenAll(Task.Run(server.AcceptLoopAsync), Task.Run(server.IdleLoopAsync));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _loops;
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before it was accepted.
                continue;
            }

            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task IdleLoopAsync()
    {
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(_idleExit.TotalMilliseconds / 4, 10, 1000));
        while (!_stopping.IsCancellationRequested)
        {
            await Task.Delay(tick, _time, _stopping.Token);
            bool empty;
            lock (_nodes)
            {
                empty = _nodes.Count == 0;
            }

            if (empty && _time.GetElapsedTime(Interlocked.Read(ref _idleSince)) >= _idleExit)
            {
                _idle.TrySetResult();
                return;
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            limit.CancelAfter(RequestLimit);
            var header = new byte[2];
            await stream.ReadExactlyAsync(header, limit.Token);
            var length = BinaryPrimitives.ReadUInt16BigEndian(header);
            if (length == 0)
            {
                return;
            }

            var request = new byte[length];
            await stream.ReadExactlyAsync(request, limit.Token);
            switch (request[0])
            {
                case EpmdProtocol.Alive2Request:
                    await RegisterAsync(stream, EpmdProtocol.ReadNodeTail(request.AsSpan(1)));
                    break;
                case EpmdProtocol.PortPlease2Request:
                    await stream.WriteAsync(PortAnswer(EpmdProtocol.Name(request.AsSpan(1))), _stopping.Token);
                    break;
                case EpmdProtocol.NamesRequest:
                    await stream.WriteAsync(NamesAnswer(), _stopping.Token);
                    break;
                default:
                    // Erlang's epmd also closes on a request it does not serve (DUMP, KILL, STOP are not simulated).
                    break;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidDataException or EndOfStreamException or ObjectDisposedException)
        {
            // A client that broke off, sent a bad request or stayed silent: its connection closes.
        }
    }

    /// <summary>Registers the node while its connection stays open: answered, then held until the node closes it.</summary>
    private async Task RegisterAsync(NetworkStream stream, EpmdNode node)
    {
        bool accepted;
        uint creation;
        lock (_nodes)
        {
            accepted = _nodes.TryAdd(node.Name, node);
            creation = accepted ? NextCreation() : 0;
        }

        var extended = node.HighestVersion >= EpmdProtocol.DistributionVersion;
        byte[] answer = extended ? new byte[6] : new byte[4];
        answer[0] = extended ? EpmdProtocol.Alive2ExtendedResponse : EpmdProtocol.Alive2Response;
        answer[1] = accepted ? (byte)0 : (byte)1;
        if (extended)
        {
            BinaryPrimitives.WriteUInt32BigEndian(answer.AsSpan(2), creation);
        }
        else
        {
            // The 16-bit creation of old nodes cycles 1 to 3.
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(2), (ushort)(accepted ? (creation % 3) + 1 : 0));
        }

        try
        {
            await stream.WriteAsync(answer, _stopping.Token);
            if (!accepted)
            {
                return;
            }

            var sink = new byte[64];
            while (await stream.ReadAsync(sink, _stopping.Token) > 0)
            {
                // Nothing more is expected; the registration lasts until the connection ends.
            }
        }
        finally
        {
            if (accepted)
            {
                lock (_nodes)
                {
                    _nodes.Remove(node.Name);
                    if (_nodes.Count == 0)
                    {
                        Interlocked.Exchange(ref _idleSince, _time.GetTimestamp());
                    }
                }
            }
        }
    }

    private uint NextCreation()
    {
        // Never 0: a node reads 0 as "no creation".
        _creation = _creation == uint.MaxValue ? 1 : _creation + 1;
        return _creation;
    }

    private byte[] PortAnswer(string name)
    {
        EpmdNode? node;
        lock (_nodes)
        {
            _nodes.TryGetValue(name, out node);
        }

        if (node is null)
        {
            return [EpmdProtocol.Port2Response, 1];
        }

        var answer = new byte[2 + EpmdProtocol.NodeTailLength(node)];
        answer[0] = EpmdProtocol.Port2Response;
        EpmdProtocol.WriteNodeTail(answer.AsSpan(2), node, Encoding.UTF8.GetBytes(node.Name));
        return answer;
    }

    private byte[] NamesAnswer()
    {
        var text = new StringBuilder();
        foreach (var node in Nodes.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"name {node.Name} at port {node.Port}\n");
        }

        var lines = Encoding.UTF8.GetBytes(text.ToString());
        var answer = new byte[4 + lines.Length];
        BinaryPrimitives.WriteUInt32BigEndian(answer, (uint)Port);
        lines.CopyTo(answer, 4);
        return answer;
    }
}
