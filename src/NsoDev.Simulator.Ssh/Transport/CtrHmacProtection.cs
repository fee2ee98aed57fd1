using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>
/// aes*-ctr with hmac-sha2-* (RFC 4344, RFC 6668). The classic MAC covers the sequence number
/// and the plaintext packet; the -etm@openssh.com variants leave the length in clear and MAC
/// the ciphertext instead (OpenSSH PROTOCOL section 1.5).
/// </summary>
internal sealed class CtrHmacProtection(AesCtr cipher, IncrementalHash mac, bool encryptThenMac) : PacketProtection
{
    public override int BlockSize => AesCtr.BlockSize;

    public override int TagSize => mac.HashLengthInBytes;

    public override bool LengthInClear => encryptThenMac;

    public override uint PeekLength(ReadOnlySpan<byte> head)
    {
        if (encryptThenMac)
        {
            return BinaryPrimitives.ReadUInt32BigEndian(head);
        }

        Span<byte> keystream = stackalloc byte[AesCtr.BlockSize];
        cipher.PeekKeystream(keystream);
        return BinaryPrimitives.ReadUInt32BigEndian(head) ^ BinaryPrimitives.ReadUInt32BigEndian(keystream);
    }

    public override void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
    {
        if (encryptThenMac)
        {
            cipher.Transform(packet[4..]);
            ComputeMac(sequence, packet, tag);
        }
        else
        {
            ComputeMac(sequence, packet, tag);
            cipher.Transform(packet);
        }
    }

    public override bool Open(uint sequence, Span<byte> packet, ReadOnlySpan<byte> tag)
    {
        Span<byte> expected = stackalloc byte[TagSize];
        if (encryptThenMac)
        {
            ComputeMac(sequence, packet, expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, tag))
            {
                return false;
            }

            cipher.Transform(packet[4..]);
            return true;
        }

        cipher.Transform(packet);
        ComputeMac(sequence, packet, expected);
        return CryptographicOperations.FixedTimeEquals(expected, tag);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            cipher.Dispose();
            mac.Dispose();
        }

        base.Dispose(disposing);
    }

    // mac = MAC(key, sequence_number || packet), RFC 4253 section 6.4.
    private void ComputeMac(uint sequence, ReadOnlySpan<byte> packet, Span<byte> destination)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(number, sequence);
        mac.AppendData(number);
        mac.AppendData(packet);
        mac.GetHashAndReset(destination);
    }
}
