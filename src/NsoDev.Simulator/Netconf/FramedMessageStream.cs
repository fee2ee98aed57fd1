using System.Globalization;
using System.Text;

namespace NsoDev.Simulator.Netconf;

/// <summary>
/// A write-only stream for one outgoing message: an XmlWriter writes the reply into it and
/// <see cref="CompleteAsync"/> ends the frame. Under :base:1.1 each full buffer goes out at once as
/// one chunk, so a large reply is streamed, never held whole; under :base:1.0 the bytes go out as
/// they come and <c>]]&gt;]]&gt;</c> ends the message. Sample output, chunked:
/// <code>
/// \n#65536\n&lt;?xml version="1.0" encoding="utf-8"?&gt;&lt;rpc-reply ...\n#913\n...&lt;/rpc-reply&gt;\n##\n
/// </code>
/// </summary>
internal sealed class FramedMessageStream : Stream
{
    private static readonly byte[] EndOfMessage = "]]>]]>"u8.ToArray();
    private static readonly byte[] EndOfChunks = "\n##\n"u8.ToArray();

    private readonly Stream _channel;
    private readonly NetconfFraming _framing;
    private readonly CancellationToken _cancellationToken;
    private readonly byte[] _buffer;
    private int _count;

    public FramedMessageStream(Stream channel, NetconfFraming framing, int bufferBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 1);
        _channel = channel;
        _framing = framing;
        _cancellationToken = cancellationToken;
        _buffer = new byte[bufferBytes];
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Sends what is buffered and ends the message.</summary>
    public async Task CompleteAsync()
    {
        if (_framing == NetconfFraming.EndOfMessage && _buffer.Length - _count >= EndOfMessage.Length)
        {
            // The marker travels with the end of the message in one write: a client such as SSH.NET
            // parses the hello from the one channel-data message that carries the marker.
            EndOfMessage.CopyTo(_buffer.AsSpan(_count));
            _count += EndOfMessage.Length;
            await SendBufferAsync();
        }
        else
        {
            await SendBufferAsync();
            await _channel.WriteAsync(_framing == NetconfFraming.Chunked ? EndOfChunks : EndOfMessage, _cancellationToken);
        }

        await _channel.FlushAsync(_cancellationToken);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, _buffer.Length - _count);
            buffer.Span[..take].CopyTo(_buffer.AsSpan(_count));
            _count += take;
            buffer = buffer[take..];
            if (_count == _buffer.Length)
            {
                await SendBufferAsync();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Does nothing: a flush must not cut tiny chunks; <see cref="CompleteAsync"/> sends everything.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask SendBufferAsync()
    {
        if (_count == 0)
        {
            return;
        }

        if (_framing == NetconfFraming.Chunked)
        {
            var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"\n#{_count}\n"));
            await _channel.WriteAsync(header, _cancellationToken);
        }

        await _channel.WriteAsync(_buffer.AsMemory(0, _count), _cancellationToken);
        _count = 0;
    }
}
