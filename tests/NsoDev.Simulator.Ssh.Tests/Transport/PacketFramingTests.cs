using System.Buffers;
using System.Buffers.Binary;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Transport;

public sealed class PacketFramingTests
{
    public static IEnumerable<object[]> Protections => ProtectionPair.All;

    [Theory]
    [MemberData(nameof(Protections))]
    public void A_packet_fed_one_byte_at_a_time_is_read_only_once_it_is_complete(string cipher, string mac)
    {
        var (writer, reader) = ProtectionPair.Create(cipher, mac);
        byte[] payload = [SshMessage.Ignore, .. "partial input"u8];
        var frame = writer.Frame(payload);

        for (var available = 0; available < frame.Length; available++)
        {
            var partial = new ReadOnlySequence<byte>(frame, 0, available);
            Assert.False(reader.TryRead(ref partial, out _), $"read a packet from {available} of {frame.Length} bytes");
            Assert.Equal(available, partial.Length);
        }

        var whole = new ReadOnlySequence<byte>(frame);
        Assert.True(reader.TryRead(ref whole, out var packet));
        Assert.Equal(payload, packet.Payload.ToArray());
        Assert.True(whole.IsEmpty);
    }

    [Theory]
    [MemberData(nameof(Protections))]
    public void Packets_of_every_size_stay_whole_blocks_and_come_back_in_order(string cipher, string mac)
    {
        var (writer, reader) = ProtectionPair.Create(cipher, mac);
        var payloads = Enumerable.Range(1, 70).Select(size => Enumerable.Range(0, size).Select(i => (byte)(size + i)).ToArray()).ToArray();
        var stream = payloads.SelectMany(p => writer.Frame(p)).ToArray();
        var buffer = new ReadOnlySequence<byte>(stream);

        foreach (var expected in payloads)
        {
            Assert.True(reader.TryRead(ref buffer, out var packet));
            Assert.Equal(expected, packet.Payload.ToArray());
        }

        Assert.True(buffer.IsEmpty);
        Assert.Equal(70u, reader.Sequence);
    }

    [Theory]
    [InlineData("aes128-ctr", "hmac-sha2-256")]
    [InlineData("aes256-ctr", "hmac-sha2-512-etm@openssh.com")]
    [InlineData("aes128-gcm@openssh.com", "")]
    public void A_flipped_bit_fails_the_integrity_check(string cipher, string mac)
    {
        var (writer, reader) = ProtectionPair.Create(cipher, mac);
        var frame = writer.Frame([SshMessage.Ignore, 1, 2, 3, 4, 5, 6, 7, 8]);
        frame[^20] ^= 0x01;
        var buffer = new ReadOnlySequence<byte>(frame);

        var error = Assert.Throws<SshProtocolException>(() => reader.TryRead(ref buffer, out _));

        Assert.Equal(DisconnectReason.MacError, error.Reason);
        Assert.Contains("packet 0 failed its integrity check", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_length_over_256_KiB_is_refused_before_the_packet_arrives()
    {
        var head = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, 256 * 1024 + 4);
        var buffer = new ReadOnlySequence<byte>(head);

        var error = Assert.Throws<SshProtocolException>(() => new PacketReader().TryRead(ref buffer, out _));

        Assert.Equal("packet length 262148 is over the limit of 262144 bytes", error.Message);
    }

    [Fact]
    public void A_packet_with_less_than_four_bytes_of_padding_is_refused()
    {
        // length 12, padding 3: 0c 03 then 8 bytes of payload and padding.
        byte[] frame = [0, 0, 0, 12, 3, SshMessage.Ignore, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var buffer = new ReadOnlySequence<byte>(frame);

        var error = Assert.Throws<SshProtocolException>(() => new PacketReader().TryRead(ref buffer, out _));

        Assert.Equal(DisconnectReason.ProtocolError, error.Reason);
        Assert.Contains("padding length of 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_length_that_is_not_whole_blocks_is_refused()
    {
        byte[] frame = [0, 0, 0, 13, 4, SshMessage.Ignore, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var buffer = new ReadOnlySequence<byte>(frame);

        var error = Assert.Throws<SshProtocolException>(() => new PacketReader().TryRead(ref buffer, out _));

        Assert.Equal("packet length 13 is not a whole number of 8-byte blocks", error.Message);
    }
}
