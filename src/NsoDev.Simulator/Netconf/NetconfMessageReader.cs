using System.Buffers;
using System.IO.Pipelines;

namespace NsoDev.Simulator.Netconf;

/// <summary>
/// Cuts the bytes from the client into NETCONF messages, in either framing of RFC 6242, with the
/// TryRead/AdvanceTo pattern: a partial frame consumes nothing and waits for more bytes. Sample
/// input, end-of-message framing then chunked framing:
/// <code>
/// &lt;hello ...&gt;...&lt;/hello&gt;]]&gt;]]&gt;
/// \n#4\n&lt;rpc\n#18\n message-id="1"&gt;...\n##\n
/// </code>
/// Memory stays bounded: at most one message (up to <see cref="NetconfLimits.MaxMessageBytes"/>)
/// plus one read buffer.
/// </summary>
internal sealed class NetconfMessageReader(PipeReader input, NetconfLimits limits)
{
    private static readonly byte[] EndOfMessage = "]]>]]>"u8.ToArray();

    private ArrayBufferWriter<byte> _message = new();
    private long _chunkRemaining;
    private bool _inMessage;

    /// <summary>Switched by the session once both hellos have been exchanged.</summary>
    public NetconfFraming Framing { get; set; } = NetconfFraming.EndOfMessage;

    /// <summary>The next message, or null when the client closed (a message cut short by the close is dropped).</summary>
    /// <exception cref="NetconfFramingException">The framing is broken or over the limits; read no further.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(CancellationToken cancellationToken)
    {
        long scanned = 0;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            ReadOnlyMemory<byte>? message;
            SequencePosition consumed;
            try
            {
                message = Framing == NetconfFraming.EndOfMessage
                    ? TryReadEndOfMessage(buffer, ref scanned, out consumed)
                    : TryReadChunked(buffer, out consumed);
            }
            catch (NetconfFramingException)
            {
                input.AdvanceTo(buffer.End);
                throw;
            }

            if (message is not null)
            {
                input.AdvanceTo(consumed);
                return message;
            }

            input.AdvanceTo(consumed, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    private ReadOnlyMemory<byte>? TryReadEndOfMessage(ReadOnlySequence<byte> buffer, ref long scanned, out SequencePosition consumed)
    {
        // Search only the bytes not searched yet (and the 5 before them, where a marker may start),
        // so a large message arriving in small pieces costs linear time.
        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(Math.Max(0, scanned - (EndOfMessage.Length - 1)));
        if (reader.TryReadTo(out ReadOnlySequence<byte> _, EndOfMessage))
        {
            var length = reader.Consumed - EndOfMessage.Length;
            if (length > limits.MaxMessageBytes)
            {
                throw TooLarge();
            }

            consumed = reader.Position;
            return buffer.Slice(0, length).ToArray();
        }

        if (buffer.Length > (long)limits.MaxMessageBytes + EndOfMessage.Length)
        {
            throw TooLarge();
        }

        scanned = buffer.Length;
        consumed = buffer.Start;
        return null;
    }

    private NetconfFramingException TooLarge() =>
        new($"no ]]>]]> within {limits.MaxMessageBytes} bytes: the message is too large, or the client does not frame its messages");

    private ReadOnlyMemory<byte>? TryReadChunked(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (_chunkRemaining > 0)
            {
                var take = (int)Math.Min(_chunkRemaining, reader.Remaining);
                if (take == 0)
                {
                    break;
                }

                foreach (var segment in reader.UnreadSequence.Slice(0, take))
                {
                    _message.Write(segment.Span);
                }

                reader.Advance(take);
                _chunkRemaining -= take;
                continue;
            }

            if (!_inMessage)
            {
                // Between messages, tolerate whitespace (some clients send a newline after each
                // message); it is consumed at once, so endless whitespace costs no memory.
                while (reader.TryPeek(out var b) && b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    reader.Advance(1);
                }

                if (reader.TryPeek(out var first) && first == (byte)'#')
                {
                    // The LF that starts the header was consumed as whitespace; put the header back together.
                    var header = new SequenceReader<byte>(reader.UnreadSequence);
                    header.Advance(1);
                    if (!TryReadChunkHeaderRest(ref header, out var size, out var end))
                    {
                        break;
                    }

                    StartChunk(size, end);
                    reader.Advance(header.Consumed);
                    continue;
                }

                if (reader.Remaining > 0)
                {
                    throw new NetconfFramingException($"expected a chunk header \"\\n#<length>\\n\", got byte 0x{reader.UnreadSpan[0]:x2}");
                }

                break;
            }

            var next = new SequenceReader<byte>(reader.UnreadSequence);
            if (!next.TryRead(out var lf))
            {
                break;
            }

            if (lf != (byte)'\n')
            {
                throw new NetconfFramingException($"expected \"\\n#\" after a chunk, got byte 0x{lf:x2}");
            }

            if (!next.TryRead(out var hash))
            {
                break;
            }

            if (hash != (byte)'#')
            {
                throw new NetconfFramingException($"expected \"\\n#\" after a chunk, got \"\\n\" and byte 0x{hash:x2}");
            }

            if (!TryReadChunkHeaderRest(ref next, out var chunkSize, out var endOfChunks))
            {
                break;
            }

            reader.Advance(next.Consumed);
            if (endOfChunks)
            {
                consumed = reader.Position;
                var message = _message.WrittenMemory;
                _message = new ArrayBufferWriter<byte>();
                _inMessage = false;
                return message;
            }

            StartChunk(chunkSize, endOfChunks);
        }

        consumed = reader.Position;
        return null;
    }

    private void StartChunk(long size, bool endOfChunks)
    {
        if (endOfChunks)
        {
            throw new NetconfFramingException("end-of-chunks \"\\n##\\n\" before any chunk: a message needs at least one chunk");
        }

        if (_message.WrittenCount + size > limits.MaxMessageBytes)
        {
            throw new NetconfFramingException($"the message grows past {limits.MaxMessageBytes} bytes");
        }

        _chunkRemaining = size;
        _inMessage = true;
    }

    /// <summary>
    /// What follows <c>\n#</c>: <c>#\n</c> (end of chunks) or a chunk-size (1*DIGIT, no leading zero)
    /// and <c>\n</c>. False when more bytes are needed.
    /// </summary>
    private bool TryReadChunkHeaderRest(ref SequenceReader<byte> reader, out long size, out bool endOfChunks)
    {
        size = 0;
        endOfChunks = false;
        if (!reader.TryPeek(out var b))
        {
            return false;
        }

        if (b == (byte)'#')
        {
            reader.Advance(1);
            if (!reader.TryRead(out var lf))
            {
                return false;
            }

            if (lf != (byte)'\n')
            {
                throw new NetconfFramingException($"expected \"\\n##\\n\", got \"\\n##\" and byte 0x{lf:x2}");
            }

            endOfChunks = true;
            return true;
        }

        var digits = 0;
        while (reader.TryRead(out b))
        {
            if (b == (byte)'\n' && digits > 0)
            {
                return true;
            }

            if (b is < (byte)'0' or > (byte)'9' || (digits == 0 && b == (byte)'0'))
            {
                throw new NetconfFramingException($"bad chunk-size: byte 0x{b:x2} where RFC 6242 wants 1..4294967295 in decimal");
            }

            size = (size * 10) + (b - '0');
            digits++;
            if (size > limits.MaxChunkBytes)
            {
                throw new NetconfFramingException($"a chunk of more than {limits.MaxChunkBytes} bytes is over nso-sim's limit; send smaller chunks");
            }
        }

        return false;
    }
}
