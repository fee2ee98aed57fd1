using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Connection;

/// <summary>
/// One "session" channel (RFC 4254 section 6): its requests, the handler that serves it, and
/// its close. The handler's writes all go out before exit-status, EOF and CLOSE; nothing goes
/// out after CLOSE.
/// </summary>
internal sealed partial class SessionChannel : IDisposable
{
    /// <summary>Our maximum packet size: the most data one CHANNEL_DATA may carry, both ways.</summary>
    public const uint MaxPacket = 32 * 1024;

    private readonly ChannelContext _context;
    private readonly Action<SessionChannel> _release;
    private readonly SendWindow _sendWindow;
    private readonly InboundData _inbound = new();
    private readonly CancellationTokenSource _cancel;
    private readonly SemaphoreSlim _outbound = new(1, 1);
    private readonly Lock _lock = new();
    private Task _handler = Task.CompletedTask;
    private bool _started;
    private bool _handlerDone = true;
    private bool _closeReceived;
    private bool _closeSent;
    private bool _released;

    public SessionChannel(uint localId, uint remoteId, uint remoteWindow, uint remoteMaxPacket, ChannelContext context, Action<SessionChannel> release)
    {
        LocalId = localId;
        RemoteId = remoteId;
        _context = context;
        _release = release;
        _sendWindow = new SendWindow(remoteWindow, Math.Clamp(remoteMaxPacket, 1, MaxPacket));
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(context.Connection);
    }

    public uint LocalId { get; }

    public uint RemoteId { get; }

    /// <summary>Ends when the handler has returned (at once if none ever started).</summary>
    public Task Completion => _handler;

    public void OnWindowAdjust(uint bytes) => _sendWindow.Add(bytes);

    public ValueTask OnDataAsync(ReadOnlyMemory<byte> data) => _inbound.AcceptAsync(data, LocalId);

    public async Task OnExtendedDataAsync(int length)
    {
        var grant = _inbound.Discard(length, LocalId);
        if (grant > 0)
        {
            await SendWindowAdjustAsync(grant, _context.Connection);
        }
    }

    public void OnEof() => _inbound.Complete();

    public async Task OnCloseAsync()
    {
        lock (_lock)
        {
            if (_closeReceived)
            {
                throw new SshProtocolException($"channel {LocalId}: a second CLOSE");
            }

            _closeReceived = true;
        }

        Abort();
        await SendControlAsync(SshWriter.Message(SshMessage.ChannelClose).WriteUInt32(RemoteId), close: true);
        ReleaseIfDone();
    }

    /// <summary>The connection is ending: wake and cancel whatever the handler waits on.</summary>
    public void Abort()
    {
        _sendWindow.Close();
        _inbound.Complete();
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Released and disposed a moment ago: nothing is left to cancel.
        }
    }

    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var (count, grant) = await _inbound.ReadAsync(destination, cancellationToken);
        if (grant > 0)
        {
            await SendWindowAdjustAsync(grant, cancellationToken);
        }

        return count;
    }

    // 5e 00 00 00 03 00 00 00 05 "hello"   CHANNEL_DATA to the client's channel 3
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var size = await _sendWindow.TakeAsync(data.Length, cancellationToken);
            var message = SshWriter.Message(SshMessage.ChannelData, size + 16).WriteUInt32(RemoteId).WriteBinary(data.Span[..size]);
            if (!await SendAsync(message.WrittenMemory, close: false, cancellationToken))
            {
                throw new IOException($"channel {LocalId} is closed");
            }

            data = data[size..];
        }
    }

    public void Dispose()
    {
        _cancel.Dispose();
        _outbound.Dispose();
    }

    private Task<bool> SendWindowAdjustAsync(uint grant, CancellationToken cancellationToken) =>
        SendAsync(SshWriter.Message(SshMessage.ChannelWindowAdjust).WriteUInt32(RemoteId).WriteUInt32(grant).WrittenMemory, close: false, cancellationToken);

    private Task<bool> SendControlAsync(SshWriter message, bool close = false) =>
        SendAsync(message.WrittenMemory, close, _context.Connection);

    /// <returns>False when CLOSE has already gone out, so this must not.</returns>
    private async Task<bool> SendAsync(ReadOnlyMemory<byte> payload, bool close, CancellationToken cancellationToken)
    {
        await _outbound.WaitAsync(cancellationToken);
        try
        {
            if (_closeSent)
            {
                return false;
            }

            await _context.Transport.SendAsync(payload, cancellationToken);
            _closeSent |= close;
            return true;
        }
        finally
        {
            _outbound.Release();
        }
    }

    // The channel number is free for reuse once CLOSE has gone both ways (RFC 4254 section 5.3);
    // its resources go once the handler has returned too.
    private void ReleaseIfDone()
    {
        bool release, dispose;
        lock (_lock)
        {
            release = _closeSent && _closeReceived && !_released;
            _released |= release;
            dispose = release && _handlerDone;
        }

        if (release)
        {
            _release(this);
        }

        if (dispose)
        {
            Dispose();
        }
    }
}
