using System.Buffers;
using NsoDev.Simulator.HaRaft;
using NsoDev.Simulator.HaRaft.Transport;

namespace NsoDev.Simulator.Tests.HaRaft.Transport;

/// <summary>The node-to-node frames and member names, without sockets.</summary>
public sealed class RaftFrameTests
{
    [Fact]
    public void A_heartbeat_is_the_eleven_bytes_the_comment_shows()
    {
        Assert.Equal(Convert.FromHexString("0000000B" + "07" + "00000000" + "00000000" + "0000"), RaftFrame.Heartbeat.Encode());
    }

    [Fact]
    public void A_request_reads_back_as_written_even_when_it_arrives_byte_by_byte()
    {
        var message = new RaftMessage("append", new Dictionary<string, string> { ["term"] = "3", ["config"] = "<config>ünïcode</config>", ["empty"] = "" });
        var bytes = new RaftFrame(RaftFrameKind.Request, 42, message).Encode();

        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, cut);
            Assert.False(RaftFrame.TryRead(ref partial, RaftFrame.MaxLength, out _));
        }

        var whole = new ReadOnlySequence<byte>([.. bytes, .. RaftFrame.Heartbeat.Encode()]);
        Assert.True(RaftFrame.TryRead(ref whole, RaftFrame.MaxLength, out var frame));
        Assert.Equal((RaftFrameKind.Request, 42u, "append"), (frame!.Kind, frame.RequestId, frame.Message.Type));
        Assert.Equal(message.Fields, frame.Message.Fields);
        Assert.True(RaftFrame.TryRead(ref whole, RaftFrame.MaxLength, out var next));
        Assert.Equal(RaftFrameKind.Heartbeat, next!.Kind);
        Assert.True(whole.IsEmpty);
    }

    [Theory]
    [InlineData("7FFFFFFF", "a frame of 2147483647 bytes")]
    [InlineData("00000003AAAAAA", "a frame of 3 bytes")]
    [InlineData("0000000B" + "63" + "00000000" + "00000000" + "0000", "an unknown frame kind 99")]
    [InlineData("0000000B" + "07" + "00000000" + "00000010" + "0000", "a string longer than the frame")]
    [InlineData("0000000C" + "07" + "00000000" + "00000000" + "0000" + "FF", "1 bytes after a frame's last field")]
    public void Bytes_that_are_no_frame_are_refused_with_what_is_wrong(string hex, string problem)
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex));
        RaftFrame? frame = null;

        var refused = Assert.Throws<InvalidDataException>(() => RaftFrame.TryRead(ref buffer, RaftFrame.MaxHandshakeLength, out frame));

        Assert.Contains(problem, refused.Message, StringComparison.Ordinal);
        Assert.Null(frame);
    }

    [Fact]
    public void A_hello_longer_than_the_handshake_limit_is_refused_before_the_peer_is_verified()
    {
        var hello = RaftFrame.Hello(new string('a', RaftFrame.MaxHandshakeLength), "ncsd1@127.0.0.1", "c").Encode();
        var buffer = new ReadOnlySequence<byte>(hello);

        Assert.Throws<InvalidDataException>(() => RaftFrame.TryRead(ref buffer, RaftFrame.MaxHandshakeLength, out _));
    }

    [Theory]
    [InlineData("ncsd2@127.0.0.1:4572", true, "ncsd2@127.0.0.1:4572")]
    [InlineData(" ncsd2@127.0.0.1 ", true, "ncsd2@127.0.0.1:4570")]
    [InlineData("127.0.0.1:4572", true, "ncsd@127.0.0.1:4572")]
    [InlineData("ncsd2@[::1]:4572", true, "ncsd2@[::1]:4572")]
    [InlineData("ncsd2@NSO1.Example.com", false, "ncsd2@nso1.example.com")]
    [InlineData("ncsd2@127.0.0.1", false, "ncsd2@127.0.0.1")]
    public void A_member_name_has_one_spelling(string text, bool withPort, string expected)
    {
        Assert.Equal(expected, RaftMemberName.Parse(text, withPort).ToString());
    }

    [Theory]
    [InlineData("ncsd2@127.0.0.1:4572", false, "up to NSO 6.6 a member is ID@ADDRESS")]
    [InlineData("ncsd2@127.0.0.1:x", true, "neither an IP address nor a DNS name")]
    [InlineData("ncsd2@127.0.0.1:70000", true, "a port from 1 to 65535")]
    [InlineData("Ncsd2@127.0.0.1", false, "has the node id 'Ncsd2'")]
    [InlineData("ncsd2@localhost", false, "short host name")]
    [InlineData("ncsd2@0.0.0.0", false, "wildcard")]
    public void A_bad_member_name_is_refused_saying_which_form_to_use(string text, bool withPort, string problem)
    {
        var refused = Assert.Throws<FormatException>(() => RaftMemberName.Parse(text, withPort));

        Assert.Contains(problem, refused.Message, StringComparison.Ordinal);
    }
}
