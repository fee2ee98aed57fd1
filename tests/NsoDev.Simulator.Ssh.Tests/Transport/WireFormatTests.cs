using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Transport;

public sealed class WireFormatTests
{
    // The examples of RFC 4251 section 5.
    [Theory]
    [InlineData("", "00000000")]
    [InlineData("0000", "00000000")]
    [InlineData("09a378f9b2e332a7", "0000000809a378f9b2e332a7")]
    [InlineData("80", "000000020080")]
    [InlineData("00007f", "000000017f")]
    public void Unsigned_integers_are_written_as_mpints_the_way_RFC_4251_shows(string value, string wire)
    {
        Assert.Equal(wire, Convert.ToHexStringLower(new SshWriter().WriteMpint(Convert.FromHexString(value)).ToArray()));
    }

    [Fact]
    public void Name_lists_read_back_as_their_names()
    {
        var bytes = new SshWriter().WriteNameList(["zlib", "none"]).WriteNameList([]).ToArray();
        var reader = new SshReader(bytes);

        Assert.Equal(["zlib", "none"], reader.ReadNameList());
        Assert.Empty(reader.ReadNameList());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void A_string_longer_than_its_message_is_a_protocol_error_not_an_index_error()
    {
        byte[] bytes = [0, 0, 0, 9, (byte)'a', (byte)'b'];

        var error = Assert.Throws<SshProtocolException>(() => new SshReader(bytes).ReadString());

        Assert.Equal("a string of 9 bytes runs past the end of the message (2 bytes left)", error.Message);
    }

    [Fact]
    public void Reading_past_the_end_is_a_protocol_error()
    {
        var error = Assert.Throws<SshProtocolException>(() => new SshReader([1, 2]).ReadUInt32());

        Assert.Equal("message truncated: needed 4 more bytes, 2 left", error.Message);
    }
}
