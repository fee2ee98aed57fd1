using System.IO.Pipelines;
using System.Text;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>
/// The binary packet layer on one duplex stream. One loop reads; any task may send. Sends are
/// serialized, and service messages are held back while a key exchange is under way
/// (RFC 4253 section 7.1).
/// </summary>
internal sealed class SshTransport : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PacketReader _reader = new();
    private readonly PacketWriter _writer = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationToken _lifetime;
    private TaskCompletionSource _keysReady = new();
    private bool _holding;
    private bool _broken;

    /// <summary>Over <paramref name="stream"/>; <paramref name="lifetime"/> ends pending writes when the connection ends.</summary>
    public SshTransport(Stream stream, CancellationToken lifetime)
    {
        _stream = stream;
        _lifetime = lifetime;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _keysReady.SetResult();
    }

    public string ClientVersion { get; private set; } = "";

    public async Task ExchangeVersionsAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(VersionExchange.ServerVersion + "\r\n"), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        ClientVersion = await VersionExchange.ReadClientVersionAsync(_input, cancellationToken);
    }

    /// <summary>The next packet; a partial one waits for more bytes.</summary>
    /// <exception cref="EndOfStreamException">The client closed the connection.</exception>
    public async ValueTask<SshPacket> ReadPacketAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (_reader.TryRead(ref buffer, out var packet))
            {
                _input.AdvanceTo(buffer.Start);
                return packet;
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException(buffer.IsEmpty ? "the client closed the connection" : "the client closed the connection in the middle of a packet");
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var holdable = !SshMessage.AllowedDuringKeyExchange(payload.Span[0]);
        while (true)
        {
            Task keysReady;
            await _sendLock.WaitAsync(cancellationToken);
            try
            {
                if (!holdable || !_holding)
                {
                    await WriteAsync(payload, _lifetime);
                    return;
                }

                keysReady = _keysReady.Task;
            }
            finally
            {
                _sendLock.Release();
            }

            await keysReady.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Sends our KEXINIT; service messages wait from now until our NEWKEYS.</summary>
    public async ValueTask SendKexInitAsync(byte[] payload, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            _holding = true;
            _keysReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await WriteAsync(payload, _lifetime);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends the exchange reply and NEWKEYS back to back, then encrypts with the new keys.</summary>
    public async ValueTask SendNewKeysAsync(byte[] reply, PacketProtection outgoing, bool resetSequence, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await WriteAsync(reply, _lifetime);
            await WriteAsync(new[] { SshMessage.NewKeys }, _lifetime);
            _writer.Protection.Dispose();
            _writer.Protection = outgoing;
            if (resetSequence)
            {
                _writer.Sequence = 0;
            }

            _holding = false;
            _keysReady.TrySetResult();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>After the client's NEWKEYS, every packet it sends uses the new keys.</summary>
    public void UseIncomingKeys(PacketProtection incoming, bool resetSequence)
    {
        _reader.Protection.Dispose();
        _reader.Protection = incoming;
        if (resetSequence)
        {
            _reader.Sequence = 0;
        }
    }

    /// <summary>Best effort: the connection may already be past taking it.</summary>
    public async Task TryDisconnectAsync(DisconnectReason reason, string description)
    {
        var payload = SshWriter.Message(SshMessage.Disconnect)
            .WriteUInt32((uint)reason)
            .WriteString(description)
            .WriteString("")
            .WrittenMemory;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                await WriteAsync(payload, timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or NotSupportedException)
        {
            // Nobody is listening any more.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        _reader.Protection.Dispose();
        if (await _sendLock.WaitAsync(TimeSpan.FromSeconds(1)))
        {
            _broken = true;
            _writer.Protection.Dispose();
            _sendLock.Release();
        }
    }

    // Called under the send lock. A write cut short leaves half a packet on the wire, after
    // which nothing else may be sent.
    private async ValueTask WriteAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (_broken)
        {
            throw new IOException("the SSH connection is closed");
        }

        var frame = _writer.Frame(payload.Span);
        try
        {
            await _stream.WriteAsync(frame, cancellationToken);
            await _stream.FlushAsync(cancellationToken);
        }
        catch
        {
            _broken = true;
            throw;
        }
    }
}
