using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>
/// aes*-gcm@openssh.com (RFC 5647 section 7, as OpenSSH PROTOCOL section 1.6 names it): the
/// length is the additional authenticated data, the rest is encrypted, and the nonce is a fixed
/// 4-byte field and a 64-bit invocation counter that goes up by one per packet.
/// </summary>
internal sealed class GcmProtection : PacketProtection
{
    public const int NonceSize = 12;
    private const int Tag = 16;

    private readonly AesGcm _gcm;
    private readonly byte[] _nonce;

    public GcmProtection(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        _gcm = new AesGcm(key, Tag);
        _nonce = iv[..NonceSize].ToArray();
    }

    public override int BlockSize => 16;

    public override int TagSize => Tag;

    public override bool LengthInClear => true;

    public override uint PeekLength(ReadOnlySpan<byte> head) => BinaryPrimitives.ReadUInt32BigEndian(head);

    public override void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
    {
        _gcm.Encrypt(_nonce, packet[4..], packet[4..], tag, packet[..4]);
        NextNonce();
    }

    public override bool Open(uint sequence, Span<byte> packet, ReadOnlySpan<byte> tag)
    {
        try
        {
            _gcm.Decrypt(_nonce, packet[4..], tag, packet[4..], packet[..4]);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        NextNonce();
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gcm.Dispose();
        }

        base.Dispose(disposing);
    }

    private void NextNonce()
    {
        var counter = _nonce.AsSpan(4);
        BinaryPrimitives.WriteUInt64BigEndian(counter, BinaryPrimitives.ReadUInt64BigEndian(counter) + 1);
    }
}
