using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>Frames payloads into binary packets (RFC 4253 section 6), ready for the wire.</summary>
internal sealed class PacketWriter
{
    public PacketProtection Protection { get; set; } = PacketProtection.None;

    /// <summary>The sequence number of the next packet (RFC 4253 section 6.4).</summary>
    public uint Sequence { get; set; }

    public byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var protection = Protection;
        var blockSize = protection.BlockSize;

        // The padding is 4 to 4+blockSize-1 random bytes that make the packet (less the length
        // field when that stays in clear) a whole number of blocks.
        var unpadded = (protection.LengthInClear ? 0 : 4) + 1 + payload.Length;
        var padding = blockSize - (unpadded % blockSize);
        if (padding < 4)
        {
            padding += blockSize;
        }

        var length = 1 + payload.Length + padding;
        var frame = new byte[4 + length + protection.TagSize];
        var packet = frame.AsSpan(0, 4 + length);
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)length);
        packet[4] = (byte)padding;
        payload.CopyTo(packet[5..]);
        RandomNumberGenerator.Fill(packet[(5 + payload.Length)..]);

        protection.Seal(Sequence, packet, frame.AsSpan(4 + length));
        Sequence++;
        return frame;
    }
}
