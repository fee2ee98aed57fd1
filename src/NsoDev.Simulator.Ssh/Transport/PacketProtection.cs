using System.Buffers.Binary;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>
/// The cipher and MAC of one direction, applied to whole packets (RFC 4253 section 6). A packet
/// here is the 4-byte length followed by the padding length, payload and padding.
/// </summary>
internal abstract class PacketProtection : IDisposable
{
    /// <summary>Before the first NEWKEYS: no cipher, no MAC, 8-byte alignment.</summary>
    public static PacketProtection None { get; } = new Plain();

    /// <summary>The cipher block size, which the padding aligns to.</summary>
    public abstract int BlockSize { get; }

    /// <summary>Bytes of MAC or authentication tag after each packet.</summary>
    public abstract int TagSize { get; }

    /// <summary>
    /// Whether the length field travels unencrypted (encrypt-then-MAC and AES-GCM). Then it is
    /// also left out of the block alignment.
    /// </summary>
    public abstract bool LengthInClear { get; }

    /// <summary>How many leading bytes <see cref="PeekLength"/> needs.</summary>
    public int HeadSize => LengthInClear ? 4 : BlockSize;

    /// <summary>The packet length, from the first bytes, without consuming any cipher state.</summary>
    public abstract uint PeekLength(ReadOnlySpan<byte> head);

    /// <summary>Encrypts <paramref name="packet"/> in place and writes its MAC or tag.</summary>
    public abstract void Seal(uint sequence, Span<byte> packet, Span<byte> tag);

    /// <summary>Checks the MAC or tag and decrypts in place; false when the packet is not authentic.</summary>
    public abstract bool Open(uint sequence, Span<byte> packet, ReadOnlySpan<byte> tag);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private sealed class Plain : PacketProtection
    {
        public override int BlockSize => 8;

        public override int TagSize => 0;

        public override bool LengthInClear => false;

        public override uint PeekLength(ReadOnlySpan<byte> head) => BinaryPrimitives.ReadUInt32BigEndian(head);

        public override void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
        {
        }

        public override bool Open(uint sequence, Span<byte> packet, ReadOnlySpan<byte> tag) => true;
    }
}
