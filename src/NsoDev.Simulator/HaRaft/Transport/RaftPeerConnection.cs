using System.Collections.Concurrent;
using System.IO.Pipelines;

namespace NsoDev.Simulator.HaRaft.Transport;

/// <summary>
/// One verified connection to a peer, whichever end dialled: either end sends requests on it and
/// answers the other's. Heartbeats keep it alive; a peer silent for
/// <see cref="RaftTransportSettings.SilenceLimit"/>, a closed socket or a bad frame closes it, and every
/// request still waiting on it fails at once.
/// </summary>
internal sealed class RaftPeerConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly RaftRequestHandler _handler;
    private readonly RaftTransportSettings _settings;
    private readonly Action<RaftPeerConnection, string> _onClosed;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<RaftMessage>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private long _lastHeard;
    private int _nextRequestId;
    private int _closed;
    private string _closeReason = string.Empty;
    private Task _loops = Task.CompletedTask;

    public RaftPeerConnection(string peerName, bool dialled, Stream stream, PipeReader reader, RaftRequestHandler handler, RaftTransportSettings settings, Action<RaftPeerConnection, string> onClosed)
    {
        PeerName = peerName;
        Dialled = dialled;
        _stream = stream;
        _reader = reader;
        _handler = handler;
        _settings = settings;
        _onClosed = onClosed;
        _lastHeard = settings.Time.GetTimestamp();
    }

    /// <summary>The peer's member name, as it was verified.</summary>
    public string PeerName { get; }

    /// <summary>True when this node dialled the peer; false when the peer dialled in.</summary>
    public bool Dialled { get; }

    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    public void Run() => _loops = Task.WhenAll(Task.Run(ReadLoopAsync), Task.Run(HeartbeatLoopAsync));

    /// <exception cref="RaftPeerUnreachableException">The connection closed before the reply came.</exception>
    public async Task<RaftMessage> RequestAsync(RaftMessage request, CancellationToken cancellationToken)
    {
        var id = (uint)Interlocked.Increment(ref _nextRequestId);
        var reply = new TaskCompletionSource<RaftMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            // Checked after the request is pending, so that a close in between fails it.
            if (!IsOpen)
            {
                throw Closed();
            }

            await SendAsync(new RaftFrame(RaftFrameKind.Request, id, request), cancellationToken);
            return await reply.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Closes the connection, failing what waits on it; the first reason is the one kept.</summary>
    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }

        _closeReason = reason;
        _closing.Cancel();
        _stream.Dispose();
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(Closed());
        }

        _onClosed(this, reason);
    }

    public async ValueTask DisposeAsync()
    {
        Close("this node stopped its HA Raft transport");
        try
        {
            await _loops;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Already closed: how the loops ended does not matter now.
        }

        // _closing and _writeLock stay undisposed: a request or an answer may still be finishing on them.
    }

    private RaftPeerUnreachableException Closed() => new($"The connection to {PeerName} closed: {_closeReason}.");

    private async Task SendAsync(RaftFrame frame, CancellationToken cancellationToken)
    {
        var bytes = frame.Encode();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            // A write cut off half-way would break every later frame, so only a close interrupts one.
            await _stream.WriteAsync(bytes, _closing.Token);
            await _stream.FlushAsync(_closing.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException || (e is OperationCanceledException && _closing.IsCancellationRequested))
        {
            Close(e is IOException ? "writing to it failed: " + e.Message : _closeReason);
            throw Closed();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var reason = "the peer closed it";
        try
        {
            while (await RaftFrame.ReadAsync(_reader, RaftFrame.MaxLength, _closing.Token) is { } frame)
            {
                Interlocked.Exchange(ref _lastHeard, _settings.Time.GetTimestamp());
                switch (frame.Kind)
                {
                    case RaftFrameKind.Heartbeat:
                        break;
                    case RaftFrameKind.Request:
                        _ = Task.Run(() => ServeAsync(frame));
                        break;
                    case RaftFrameKind.Reply when _pending.TryGetValue(frame.RequestId, out var reply):
                        reply.TrySetResult(frame.Message);
                        break;
                    case RaftFrameKind.Failure when _pending.TryGetValue(frame.RequestId, out var failed):
                        failed.TrySetException(new RaftPeerUnreachableException($"{PeerName} could not answer the request: {frame.Field("reason")}."));
                        break;
                    case RaftFrameKind.Reply or RaftFrameKind.Failure:
                        // The request timed out here meanwhile.
                        break;
                    default:
                        reason = $"it sent a {frame.Kind} frame after the hello";
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            reason = _closeReason;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            reason = IsOpen ? "reading from it failed: " + e.Message : _closeReason;
        }
        catch (InvalidDataException e)
        {
            reason = "it sent " + e.Message;
        }
        finally
        {
            Close(reason);
        }
    }

    private async Task ServeAsync(RaftFrame request)
    {
        RaftFrame answer;
        try
        {
            var reply = await _handler(PeerName, request.Message, _closing.Token);
            answer = new RaftFrame(RaftFrameKind.Reply, request.RequestId, reply);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // A failing handler answers its peer; it must not end the connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            answer = RaftFrame.Failure(request.RequestId, e.Message);
        }

        try
        {
            await SendAsync(answer, _closing.Token);
        }
        catch (Exception e) when (e is RaftPeerUnreachableException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed meanwhile; the peer's request fails on its side.
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        var time = _settings.Time;
        try
        {
            while (IsOpen)
            {
                await Task.Delay(_settings.HeartbeatInterval, time, _closing.Token);
                var silent = time.GetElapsedTime(Interlocked.Read(ref _lastHeard));
                if (silent > _settings.SilenceLimit)
                {
                    Close($"nothing heard from it for {silent.TotalSeconds:0.0} s");
                    return;
                }

                await SendAsync(RaftFrame.Heartbeat, _closing.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RaftPeerUnreachableException)
        {
            // Closed: the read loop or Close has the reason.
        }
    }
}
