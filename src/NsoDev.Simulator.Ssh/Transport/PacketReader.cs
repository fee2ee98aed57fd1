using System.Buffers;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>
/// Cuts binary packets (RFC 4253 section 6) out of received bytes. A partial packet is left in
/// the buffer untouched, so the caller just waits for more bytes and tries again.
/// </summary>
internal sealed class PacketReader
{
    /// <summary>
    /// The largest packet_length accepted. RFC 4253 section 6.1 asks for at least 35000; larger
    /// claims are refused before any buffering, which bounds memory per connection.
    /// </summary>
    public const int MaxPacketLength = 256 * 1024;

    public PacketProtection Protection { get; set; } = PacketProtection.None;

    /// <summary>The sequence number of the next packet (RFC 4253 section 6.4).</summary>
    public uint Sequence { get; set; }

    // Before NEWKEYS a packet looks like this (SSH_MSG_SERVICE_REQUEST "ssh-userauth"):
    //   00 00 00 1c  packet_length = 28
    //   0a           padding_length = 10
    //   05 00 00 00 0c 73 73 68 2d 75 73 65 72 61 75 74 68   payload (17 bytes)
    //   ...          10 bytes of random padding, then the MAC (none yet)
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out SshPacket packet)
    {
        packet = default;
        var protection = Protection;
        if (buffer.Length < protection.HeadSize)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[protection.HeadSize];
        buffer.Slice(0, head.Length).CopyTo(head);
        var length = protection.PeekLength(head);
        CheckLength(length, protection);

        var packetSize = 4 + (int)length;
        var total = packetSize + protection.TagSize;
        if (buffer.Length < total)
        {
            return false;
        }

        var bytes = new byte[packetSize];
        buffer.Slice(0, packetSize).CopyTo(bytes);
        Span<byte> tag = stackalloc byte[protection.TagSize];
        buffer.Slice(packetSize, tag.Length).CopyTo(tag);
        if (!protection.Open(Sequence, bytes, tag))
        {
            throw new SshProtocolException(DisconnectReason.MacError, $"packet {Sequence} failed its integrity check");
        }

        int padding = bytes[4];
        var payloadLength = (int)length - 1 - padding;
        if (padding < 4 || payloadLength < 1)
        {
            throw new SshProtocolException($"packet {Sequence} has a padding length of {padding} in a packet of {length} bytes");
        }

        packet = new SshPacket(bytes.AsMemory(5, payloadLength), Sequence);
        Sequence++;
        buffer = buffer.Slice(total);
        return true;
    }

    private static void CheckLength(uint length, PacketProtection protection)
    {
        if (length > MaxPacketLength)
        {
            throw new SshProtocolException($"packet length {length} is over the limit of {MaxPacketLength} bytes");
        }

        // padding_length, a message number and four bytes of padding, at the least.
        var aligned = protection.LengthInClear ? length : length + 4;
        if (length < 6 || aligned % protection.BlockSize != 0)
        {
            throw new SshProtocolException($"packet length {length} is not a whole number of {protection.BlockSize}-byte blocks");
        }
    }
}
