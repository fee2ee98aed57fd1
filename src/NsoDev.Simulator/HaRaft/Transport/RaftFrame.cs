using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;

namespace NsoDev.Simulator.HaRaft.Transport;

/// <summary>What a frame between two nodes carries.</summary>
internal enum RaftFrameKind : byte
{
    /// <summary>The dialling node's first frame: <c>from</c>, <c>to</c>, <c>cluster-name</c>.</summary>
    Hello = 1,

    /// <summary>The answer to an accepted hello: the answering node's <c>from</c> and <c>cluster-name</c>.</summary>
    Welcome = 2,

    /// <summary>The answer to a refused hello: <c>reason</c>; the connection closes after it.</summary>
    Refusal = 3,

    Request = 4,

    Reply = 5,

    /// <summary>The handler of a request failed: <c>reason</c>.</summary>
    Failure = 6,

    /// <summary>Sent while idle, so that a silent peer is noticed (<see cref="RaftTransportSettings.SilenceLimit"/>).</summary>
    Heartbeat = 7,
}

/// <summary>
/// One frame of nso-sim's own node-to-node protocol, inside TLS (NSO's, Erlang distribution, is not
/// simulated). Big-endian, every string a u32 length and UTF-8:
/// <code>
/// u32 length (of what follows) | u8 kind | u32 request id | str type | u16 count | count × (str key, str value)
/// 00 00 00 0B  07  00 00 00 00  00 00 00 00  00 00        a heartbeat: no id, type "", no fields
/// </code>
/// </summary>
internal sealed record RaftFrame(RaftFrameKind Kind, uint RequestId, RaftMessage Message)
{
    /// <summary>The largest frame a verified peer may send: a whole replicated configuration fits.</summary>
    public const int MaxLength = 64 * 1024 * 1024;

    /// <summary>The largest hello or answer to one, read before the peer is verified.</summary>
    public const int MaxHandshakeLength = 64 * 1024;

    private const int HeaderLength = 4;

    private static readonly RaftMessage Empty = new(string.Empty, new Dictionary<string, string>());

    public static RaftFrame Heartbeat { get; } = new(RaftFrameKind.Heartbeat, 0, Empty);

    public static RaftFrame Hello(string from, string to, string clusterName) =>
        new(RaftFrameKind.Hello, 0, Fields("hello", ("from", from), ("to", to), ("cluster-name", clusterName)));

    public static RaftFrame Welcome(string from, string clusterName) =>
        new(RaftFrameKind.Welcome, 0, Fields("welcome", ("from", from), ("cluster-name", clusterName)));

    public static RaftFrame Refusal(string reason) => new(RaftFrameKind.Refusal, 0, Fields("refused", ("reason", reason)));

    public static RaftFrame Failure(uint requestId, string reason) => new(RaftFrameKind.Failure, requestId, Fields("failed", ("reason", reason)));

    /// <summary>A field of the message, or "" when it has none.</summary>
    public string Field(string name) => Message.Fields.TryGetValue(name, out var value) ? value : string.Empty;

    public byte[] Encode()
    {
        var writer = new ArrayBufferWriter<byte>(64);
        writer.Advance(HeaderLength);
        Write(writer, (byte)Kind);
        WriteUInt32(writer, RequestId);
        WriteString(writer, Message.Type);
        if (Message.Fields.Count > ushort.MaxValue)
        {
            throw new InvalidOperationException($"A Raft message has {Message.Fields.Count} fields; at most {ushort.MaxValue} fit in a frame.");
        }

        var count = writer.GetSpan(2);
        BinaryPrimitives.WriteUInt16BigEndian(count, (ushort)Message.Fields.Count);
        writer.Advance(2);
        foreach (var (key, value) in Message.Fields)
        {
            WriteString(writer, key);
            WriteString(writer, value);
        }

        var bytes = writer.WrittenSpan.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(bytes.Length - HeaderLength));
        return bytes;
    }

    /// <summary>Takes one whole frame off the front of <paramref name="buffer"/>; false while it is incomplete.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a frame, or one longer than <paramref name="maxLength"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxLength, out RaftFrame? frame)
    {
        frame = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadBigEndian(out int length))
        {
            return false;
        }

        if (length < 1 + 4 + 4 + 2 || length > maxLength)
        {
            throw new InvalidDataException($"a frame of {(uint)length} bytes (a frame is 11 to {maxLength} bytes)");
        }

        if (reader.Remaining < length)
        {
            return false;
        }

        var body = new SequenceReader<byte>(buffer.Slice(reader.Position, length));
        body.TryRead(out var kind);
        body.TryReadBigEndian(out int requestId);
        var type = ReadString(ref body);
        if (!body.TryReadBigEndian(out short rawCount))
        {
            throw new InvalidDataException("a frame cut short before its field count");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < (ushort)rawCount; i++)
        {
            var key = ReadString(ref body);
            fields[key] = ReadString(ref body);
        }

        if (body.Remaining != 0 || !Enum.IsDefined((RaftFrameKind)kind))
        {
            throw new InvalidDataException(body.Remaining != 0 ? $"{body.Remaining} bytes after a frame's last field" : $"an unknown frame kind {kind}");
        }

        frame = new RaftFrame((RaftFrameKind)kind, (uint)requestId, new RaftMessage(type, fields));
        buffer = buffer.Slice(HeaderLength + length);
        return true;
    }

    /// <summary>The next frame, or null at the end of the stream.</summary>
    /// <exception cref="InvalidDataException">The peer sent something that is not a frame, or stopped half-way through one.</exception>
    public static async ValueTask<RaftFrame?> ReadAsync(PipeReader reader, int maxLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            RaftFrame? frame;
            try
            {
                if (TryRead(ref buffer, maxLength, out frame))
                {
                    reader.AdvanceTo(buffer.Start);
                    return frame;
                }
            }
            catch (InvalidDataException)
            {
                reader.AdvanceTo(buffer.Start);
                throw;
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return buffer.IsEmpty ? null : throw new InvalidDataException($"the stream ended {buffer.Length} bytes into a frame");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static RaftMessage Fields(string type, params (string Key, string Value)[] fields) =>
        new(type, fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal));

    private static string ReadString(ref SequenceReader<byte> reader)
    {
        if (!reader.TryReadBigEndian(out int length) || length < 0 || reader.Remaining < length)
        {
            throw new InvalidDataException("a string longer than the frame that holds it");
        }

        var text = Encoding.UTF8.GetString(reader.UnreadSequence.Slice(0, length));
        reader.Advance(length);
        return text;
    }

    private static void Write(ArrayBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> writer, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(writer.GetSpan(4), value);
        writer.Advance(4);
    }

    private static void WriteString(ArrayBufferWriter<byte> writer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteUInt32(writer, (uint)length);
        Encoding.UTF8.GetBytes(text, writer.GetSpan(length));
        writer.Advance(length);
    }
}
