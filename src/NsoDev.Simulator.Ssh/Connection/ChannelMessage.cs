using System.Buffers.Binary;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Connection;

/// <summary>Field readers for the fixed-layout connection messages (RFC 4254).</summary>
internal static class ChannelMessage
{
    public sealed record Open(string Type, uint Sender, uint Window, uint MaxPacket);

    public static Open ParseOpen(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        return new Open(reader.ReadString(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
    }

    public static bool GlobalRequestWantsReply(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        reader.ReadBinary();
        return reader.ReadBoolean();
    }

    /// <summary>The uint32 at <paramref name="offset"/>: the recipient channel is at 1, a window adjust's bytes at 5.</summary>
    public static uint ReadUInt32After(ReadOnlySpan<byte> payload, int offset)
    {
        if (payload.Length < offset + 4)
        {
            throw new SshProtocolException($"message {payload[0]} is truncated at {payload.Length} bytes");
        }

        return BinaryPrimitives.ReadUInt32BigEndian(payload[offset..]);
    }

    // 5e 00 00 00 00 | 00 00 00 05 "hello"          CHANNEL_DATA: the string starts at offset 5
    // 5f 00 00 00 00 | 00 00 00 01 | 00 00 00 03 "err"  EXTENDED_DATA: at offset 9
    public static ReadOnlyMemory<byte> Data(ReadOnlyMemory<byte> payload, int offset)
    {
        var length = ReadUInt32After(payload.Span, offset);
        if (length > payload.Length - offset - 4)
        {
            throw new SshProtocolException($"channel data of {length} bytes runs past the end of a {payload.Length}-byte message");
        }

        return payload.Slice(offset + 4, (int)length);
    }
}
