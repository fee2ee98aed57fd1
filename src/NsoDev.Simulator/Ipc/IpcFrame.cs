using System.Buffers;
using System.Buffers.Binary;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// IPC framing after the preamble (NSO-NOTES §4): a 4-byte big-endian length, then the
/// payload. Sample, a <c>status</c> control request: <c>00 00 00 06 73 74 61 74 75 73</c>.
/// </summary>
internal static class IpcFrame
{
    public const int HeaderLength = 4;

    /// <summary>Longer frames are taken as garbage, and the connection is closed.</summary>
    public const int MaxPayloadLength = 16 * 1024 * 1024;

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>. A partial frame leaves
    /// the buffer as it was and returns false: the caller waits for more bytes.
    /// </summary>
    /// <remarks><paramref name="maxLength"/> is smaller for clients whose requests are known to be short.</remarks>
    /// <exception cref="IpcProtocolException">The length is over <paramref name="maxLength"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload, int maxLength = MaxPayloadLength)
    {
        payload = default;
        if (buffer.Length < HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        var length = ReadLength(header, maxLength);

        if (buffer.Length < HeaderLength + length)
        {
            return false;
        }

        payload = buffer.Slice(HeaderLength, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <exception cref="IpcProtocolException">The length is over <paramref name="maxLength"/>.</exception>
    public static uint ReadLength(ReadOnlySpan<byte> header, int maxLength = MaxPayloadLength)
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        return length <= maxLength
            ? length
            : throw new IpcProtocolException($"a frame of {length} bytes is over the {maxLength}-byte limit");
    }

    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayloadLength)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"an IPC frame holds at most {MaxPayloadLength} bytes");
        }

        var span = writer.GetSpan(HeaderLength + payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)payload.Length);
        payload.CopyTo(span[HeaderLength..]);
        writer.Advance(HeaderLength + payload.Length);
    }
}
