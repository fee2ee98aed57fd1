using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using NsoDev.Ipc;
using NsoDev.Simulator.HaRaft.Transport.Epmd;

namespace NsoDev.Simulator.HaRaft.Transport;

/// <summary>
/// <see cref="IRaftTransport"/> for nso-sim nodes (NSO-NOTES §13, §15): mutual TLS with the cluster's
/// certificates on every connection, one connection a peer kept open and dialled again on demand. From 6.7
/// a node listens on its <c>listen/port</c> and a member name carries the port; up to 6.6 it takes a port of
/// <c>listen/min-port..max-port</c>, registers its node id with epmd (starting <c>nso-sim epmd</c> when none
/// runs), and finds a peer's port there.
/// </summary>
internal sealed class RaftTlsTransport : IRaftTransport
{
    /// <summary>The first release whose HA Raft has its own listen port instead of Erlang distribution and epmd.</summary>
    public static readonly NsoRelease SingleListenPortIntroduced = new(6, 7);

    private static readonly TimeSpan EpmdStartLimit = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan EpmdAnswerLimit = TimeSpan.FromSeconds(5);

    private readonly RaftTransportOptions _options;
    private readonly RaftTransportSettings _settings;
    private readonly bool _withPort;
    private readonly RaftMemberName? _local;
    private readonly string? _localProblem;
    private readonly List<RaftPeerConnection> _connections = [];
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _dialGates = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private RaftNodeCredentials? _credentials;
    private RaftHandshake? _handshake;
    private RaftRequestHandler? _handler;
    private TcpListener? _listener;
    private EpmdRegistration? _registration;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _epmdWatch = Task.CompletedTask;
    private int _started;

    public RaftTlsTransport(RaftTransportOptions options, RaftTransportSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _settings = settings ?? RaftTransportSettings.Default;
        _withPort = options.Release.Release >= SingleListenPortIntroduced;
        try
        {
            var address = RaftMemberName.Parse(options.NodeAddress, withPort: false);
            _local = _withPort ? address with { Port = options.ListenPort ?? RaftMemberName.DefaultListenPort } : address;
            LocalNodeName = _local.ToString();
        }
        catch (FormatException e)
        {
            _localProblem = e.Message;
            LocalNodeName = options.NodeAddress;
        }
    }

    public string LocalNodeName { get; }

    /// <summary>Where this node listens once started (the port a ≤6.6 node took from its range).</summary>
    public IPEndPoint? ListenEndPoint => _listener?.LocalEndpoint as IPEndPoint;

    public IReadOnlyCollection<string> ConnectedNodes
    {
        get
        {
            lock (_connections)
            {
                return [.. _connections.Where(c => c.IsOpen).Select(c => c.PeerName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            }
        }
    }

    public async Task StartAsync(RaftRequestHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException($"The HA Raft transport of {LocalNodeName} was started already.");
        }

        if (_local is null)
        {
            throw new RaftTransportException($"{_localProblem} (/ncs-config/ha-raft/listen/node-address)");
        }

        _handler = handler;
        _credentials = RaftNodeCredentials.Load(_options);
        _handshake = new RaftHandshake(_options, _credentials, _settings, LocalNodeName, _withPort);
        var address = await RaftListenSocket.ResolveAsync(_local.Host, cancellationToken);
        _listener = _withPort
            ? RaftListenSocket.BindListenPort(address, _local.Port ?? RaftMemberName.DefaultListenPort)
            : RaftListenSocket.BindDistributionPort(address, _options.DistributionPorts);
        try
        {
            if (!_withPort)
            {
                _registration = await RegisterWithEpmdAsync(_local.NodeId, ListenEndPoint!.Port, cancellationToken);
            }
        }
        catch
        {
            _listener.Stop();
            throw;
        }

        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        if (_registration is not null)
        {
            _epmdWatch = Task.Run(() => KeepRegisteredAsync(_local.NodeId, ListenEndPoint!.Port), CancellationToken.None);
        }

        _options.Log($"{LocalNodeName} listens on {ListenEndPoint}" + (_withPort ? string.Empty : $", registered as '{_local.NodeId}' with epmd on port {_settings.EpmdPort}"));
    }

    public async Task<RaftMessage> RequestAsync(string peerNodeName, RaftMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peerNodeName);
        ArgumentNullException.ThrowIfNull(request);
        if (_handshake is null || _stopping.IsCancellationRequested)
        {
            throw new RaftPeerUnreachableException($"{LocalNodeName} cannot reach {peerNodeName}: its HA Raft transport is not running.");
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        limit.CancelAfter(timeout);
        try
        {
            var connection = await ConnectionToAsync(peerNodeName, limit.Token);
            return await connection.RequestAsync(request, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RaftPeerUnreachableException(_stopping.IsCancellationRequested
                ? $"{LocalNodeName} stopped its HA Raft transport before {peerNodeName} answered."
                : $"{peerNodeName} did not answer a '{request.Type}' request within {timeout.TotalSeconds:0.###} s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener?.Stop();
        await _acceptLoop;
        await _epmdWatch;
        RaftPeerConnection[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
            _connections.Clear();
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        if (_registration is not null)
        {
            await _registration.DisposeAsync();
        }

        // The dial gates stay undisposed: a request may still be leaving one.
        _credentials?.Dispose();
    }

    private async Task<RaftPeerConnection> ConnectionToAsync(string peerNodeName, CancellationToken cancellationToken)
    {
        RaftMemberName peer;
        try
        {
            peer = RaftMemberName.Parse(peerNodeName, _withPort);
        }
        catch (FormatException e)
        {
            throw new RaftPeerUnreachableException(e.Message, e);
        }

        var name = peer.ToString();
        if (name == LocalNodeName)
        {
            throw new RaftPeerUnreachableException($"{peerNodeName} is this node itself; a node sends requests only to its peers.");
        }

        if (Live(name) is { } live)
        {
            return live;
        }

        var gate = _dialGates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // The peer may have dialled in, or another request dialled, while this one waited.
            if (Live(name) is { } arrived)
            {
                return arrived;
            }

            var endPoint = await EndPointOfAsync(peer, cancellationToken);
            using var handshakeLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            handshakeLimit.CancelAfter(_settings.HandshakeLimit);
            var verified = await _handshake!.DialAsync(peer, endPoint, handshakeLimit.Token);
            return Add(verified, dialled: true);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>6.7: the port in the member name. Up to 6.6: the port epmd on the peer's host has for its node id.</summary>
    private async Task<IPEndPoint> EndPointOfAsync(RaftMemberName peer, CancellationToken cancellationToken)
    {
        IPAddress address;
        try
        {
            address = await RaftListenSocket.ResolveAsync(peer.Host, cancellationToken);
        }
        catch (RaftTransportException e)
        {
            throw new RaftPeerUnreachableException(e.Message, e);
        }

        if (peer.Port is { } port)
        {
            return new IPEndPoint(address, port);
        }

        var epmd = new IPEndPoint(address, _settings.EpmdPort);
        EpmdNode? node;
        try
        {
            node = await EpmdClient.PortPleaseAsync(epmd, peer.NodeId, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException)
        {
            throw new RaftPeerUnreachableException($"{peer} cannot be found: epmd does not answer on {epmd} ({e.Message}), so no node runs on that host.", e);
        }

        return node is null
            ? throw new RaftPeerUnreachableException($"{peer} cannot be found: epmd on {epmd} has no node '{peer.NodeId}' registered, so it is not running (nso-sim epmd -names lists the nodes that are).")
            : new IPEndPoint(address, node.Port);
    }

    private RaftPeerConnection? Live(string peerName)
    {
        lock (_connections)
        {
            return _connections.FirstOrDefault(c => c.IsOpen && c.PeerName == peerName);
        }
    }

    private RaftPeerConnection Add(RaftVerifiedStream verified, bool dialled)
    {
        var connection = new RaftPeerConnection(verified.PeerName, dialled, verified.Stream, verified.Reader, _handler!, _settings, Closed);
        lock (_connections)
        {
            if (_stopping.IsCancellationRequested)
            {
                connection.Close("this node stopped its HA Raft transport");
                throw new RaftPeerUnreachableException($"{LocalNodeName} stopped its HA Raft transport.");
            }

            _connections.Add(connection);
        }

        _options.Log($"connected {(dialled ? "to" : "from")} {verified.PeerName}");
        connection.Run();
        return connection;
    }

    private void Closed(RaftPeerConnection connection, string reason)
    {
        lock (_connections)
        {
            _connections.Remove(connection);
        }

        if (!_stopping.IsCancellationRequested)
        {
            _options.Log($"connection {(connection.Dialled ? "to" : "from")} {connection.PeerName} closed: {reason}");
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || (e is SocketException && _stopping.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            socket.NoDelay = true;
            _ = Task.Run(() => AcceptOneAsync(socket));
        }
    }

    private async Task AcceptOneAsync(Socket socket)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        limit.CancelAfter(_settings.HandshakeLimit);
        try
        {
            if (await _handshake!.AcceptAsync(socket, limit.Token) is { } verified)
            {
                Add(verified, dialled: false);
            }
        }
        catch (RaftPeerUnreachableException)
        {
            // Stopped meanwhile.
        }
    }

    /// <summary>
    /// When epmd goes away (killed, or restarted), peers can no longer find this node: it registers again,
    /// starting an epmd when none answers, until it succeeds or stops (ours; NSO's behaviour is not documented).
    /// </summary>
    private async Task KeepRegisteredAsync(string nodeId, int port)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _registration!.Lost.WaitAsync(token);
                _options.Log($"{LocalNodeName} lost its registration with epmd on port {_settings.EpmdPort}; peers cannot find it until it registers again");
                await _registration.DisposeAsync();
                while (true)
                {
                    try
                    {
                        _registration = await RegisterWithEpmdAsync(nodeId, port, token);
                        _options.Log($"{LocalNodeName} registered as '{nodeId}' with epmd on port {_settings.EpmdPort} again");
                        break;
                    }
                    catch (RaftTransportException e)
                    {
                        _options.Log(e.Message);
                        await Task.Delay(TimeSpan.FromSeconds(1), _settings.Time, token);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>ALIVE2 with the local epmd, first starting one when nothing listens on its port.</summary>
    private async Task<EpmdRegistration> RegisterWithEpmdAsync(string nodeId, int port, CancellationToken cancellationToken)
    {
        var epmd = new IPEndPoint(IPAddress.Loopback, _settings.EpmdPort);
        var node = EpmdNode.Normal(nodeId, port);
        var started = false;
        var deadline = _settings.Time.GetTimestamp();
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(EpmdAnswerLimit);
            try
            {
                return await EpmdClient.RegisterAsync(epmd, node, attempt.Token);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RaftTransportException(
                    $"What listens on {epmd} did not answer ALIVE2_REQ within {EpmdAnswerLimit.TotalSeconds:0} s, so it is not epmd. Stop it, or set {RaftTransportSettings.EpmdPortVariable} to epmd's port.", e);
            }
            catch (EpmdRefusedException e)
            {
                throw new RaftTransportException(
                    $"epmd on {epmd} refused to register the node id '{nodeId}' of {LocalNodeName}: another node is registered under that name now (nso-sim epmd -names -port {_settings.EpmdPort} lists them). " +
                    $"Give this node another id in /ncs-config/ha-raft/listen/node-address, such as {nodeId}2@{_local!.Host.Name}, or stop the node that holds '{nodeId}'.", e);
            }
            catch (InvalidDataException e)
            {
                throw new RaftTransportException($"What listens on {epmd} is not epmd: {e.Message}. Stop it, or set {RaftTransportSettings.EpmdPortVariable} to epmd's port.", e);
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                if (started && _settings.Time.GetElapsedTime(deadline) > EpmdStartLimit)
                {
                    throw new RaftTransportException(
                        $"No epmd answers on {epmd}, and the one this node started did not come up within {EpmdStartLimit.TotalSeconds:0} s ({e.Message}). Start one (epmd -daemon, or nso-sim epmd -daemon -port {_settings.EpmdPort}) and start the node again.", e);
                }
            }

            if (!started)
            {
                _options.Log($"no epmd answers on {epmd}; starting nso-sim epmd there, as an Erlang node starts epmd -daemon");
                try
                {
                    await _settings.StartEpmd(_settings.EpmdPort, cancellationToken);
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    throw new RaftTransportException(
                        $"No epmd answers on {epmd}, and nso-sim epmd could not be started: {e.Message}. Start one (epmd -daemon, or nso-sim epmd -daemon -port {_settings.EpmdPort}) and start the node again.", e);
                }

                started = true;
                deadline = _settings.Time.GetTimestamp();
                continue;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _settings.Time, cancellationToken);
        }
    }
}
