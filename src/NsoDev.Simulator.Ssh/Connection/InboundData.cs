using System.Buffers;
using System.IO.Pipelines;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Connection;

/// <summary>
/// Data from the client on one channel, and the window that bounds it (RFC 4254 section 5.2).
/// The client may never have more than the window in flight, so the buffer never holds more;
/// the window is given back in large steps as the handler reads.
/// </summary>
internal sealed class InboundData
{
    /// <summary>Our initial window, and so the most one channel buffers.</summary>
    public const uint InitialWindow = 1024 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Lock _lock = new();
    private long _window = InitialWindow;
    private long _consumed;
    private bool _writerDone;
    private bool _readerDone;

    /// <summary>Buffers data from the read loop. Data after EOF, or after the handler stopped reading, is dropped.</summary>
    public async ValueTask AcceptAsync(ReadOnlyMemory<byte> data, uint channel)
    {
        lock (_lock)
        {
            Spend(data.Length, channel);
            if (_writerDone || _readerDone)
            {
                return;
            }
        }

        _pipe.Writer.Write(data.Span);
        await _pipe.Writer.FlushAsync();
    }

    /// <summary>Extended data is not for handlers: it is dropped, and its window is given back at once.</summary>
    /// <returns>Bytes to give back with WINDOW_ADJUST, or 0.</returns>
    public uint Discard(int length, uint channel)
    {
        lock (_lock)
        {
            Spend(length, channel);
            return Consume(length);
        }
    }

    /// <summary>The client's EOF or CLOSE: reads return 0 once the buffer is drained.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            if (_writerDone)
            {
                return;
            }

            _writerDone = true;
        }

        _pipe.Writer.Complete();
    }

    /// <returns>Bytes copied (0 at EOF), and bytes to give back with WINDOW_ADJUST (or 0).</returns>
    public async ValueTask<(int Count, uint Grant)> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return (0, 0);
        }

        var result = await _pipe.Reader.ReadAsync(cancellationToken);
        var buffer = result.Buffer;
        var count = (int)Math.Min(buffer.Length, destination.Length);
        buffer.Slice(0, count).CopyTo(destination.Span);
        _pipe.Reader.AdvanceTo(buffer.GetPosition(count));
        lock (_lock)
        {
            return (count, Consume(count));
        }
    }

    /// <summary>The handler has returned; nothing will read any more.</summary>
    public void StopReading()
    {
        lock (_lock)
        {
            if (_readerDone)
            {
                return;
            }

            _readerDone = true;
        }

        _pipe.Reader.Complete();
    }

    private void Spend(int length, uint channel)
    {
        if (length > _window)
        {
            throw new SshProtocolException($"channel {channel}: {length} bytes of data with {_window} left in the window");
        }

        _window -= length;
    }

    private uint Consume(long count)
    {
        _consumed += count;
        if (_consumed < InitialWindow / 2)
        {
            return 0;
        }

        var grant = (uint)_consumed;
        _window += grant;
        _consumed = 0;
        return grant;
    }
}
