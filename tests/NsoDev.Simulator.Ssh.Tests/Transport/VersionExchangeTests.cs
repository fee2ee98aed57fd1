using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Transport;

public sealed class VersionExchangeTests
{
    [Fact(Timeout = 10_000)]
    public async Task Lines_before_the_version_are_skipped_and_bytes_after_it_are_left_for_the_packets()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("hello there\r\nbare LF line\nSSH-2.0-Client_1.0 comment\r\n\x00\x00\x00\x0c"), TestContext.Current.CancellationToken);

        var version = await VersionExchange.ReadClientVersionAsync(pipe.Reader, TestContext.Current.CancellationToken);

        Assert.Equal("SSH-2.0-Client_1.0 comment", version);
        var rest = await pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal([0, 0, 0, 12], rest.Buffer.ToArray());
    }

    [Fact(Timeout = 10_000)]
    public async Task A_version_line_that_arrives_in_pieces_is_read_when_its_end_arrives()
    {
        var pipe = new Pipe();
        var reading = VersionExchange.ReadClientVersionAsync(pipe.Reader, TestContext.Current.CancellationToken);
        foreach (var piece in new[] { "SS", "H-2.0-Slow", "_1\r", "\n" })
        {
            Assert.False(reading.IsCompleted);
            await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(piece), TestContext.Current.CancellationToken);
        }

        Assert.Equal("SSH-2.0-Slow_1", await reading);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("SSH-1.5-OldClient\r\n", "the client speaks SSH-1.5-OldClient; this server speaks SSH-2.0 only")]
    [InlineData("SSH-2.0-Bad\u0007Bell\r\n", "the client's version line has characters that are not printable US-ASCII")]
    public async Task A_version_this_server_cannot_speak_is_refused(string line, string message)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.Latin1.GetBytes(line), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<SshProtocolException>(() => VersionExchange.ReadClientVersionAsync(pipe.Reader, TestContext.Current.CancellationToken));

        Assert.Equal(DisconnectReason.ProtocolVersionNotSupported, error.Reason);
        Assert.Equal(message, error.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_line_longer_than_255_bytes_is_refused_without_waiting_for_its_end()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[300], TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<SshProtocolException>(() => VersionExchange.ReadClientVersionAsync(pipe.Reader, TestContext.Current.CancellationToken));

        Assert.Equal("a line longer than 255 bytes where the SSH version belongs", error.Message);
    }
}
