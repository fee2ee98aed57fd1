using System.IO.Pipelines;
using System.Text;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Tests.Netconf;

/// <summary>RFC 6242 framing in both directions, without a session.</summary>
public sealed class NetconfFramingTests
{
    private static readonly NetconfLimits Limits = new() { MaxMessageBytes = 1024, MaxChunkBytes = 256 };

    /// <summary>Writes each piece separately (a reader waiting meanwhile) and collects the messages read, then null at the close.</summary>
    private static async Task<List<string?>> ReadAllAsync(NetconfFraming framing, CancellationToken cancellationToken, params string[] writes)
    {
        var pipe = new Pipe();
        var reader = new NetconfMessageReader(pipe.Reader, Limits) { Framing = framing };
        var reading = Task.Run(async () =>
        {
            var messages = new List<string?>();
            string? message;
            do
            {
                message = Decode(await reader.ReadAsync(cancellationToken));
                messages.Add(message);
            }
            while (message is not null);

            return messages;
        }, cancellationToken);
        foreach (var write in writes)
        {
            await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(write), cancellationToken);
            await Task.Yield();
        }

        await pipe.Writer.CompleteAsync();
        return await reading;
    }

    private static string? Decode(ReadOnlyMemory<byte>? bytes) => bytes is { } b ? Encoding.UTF8.GetString(b.Span) : null;

    [Fact(Timeout = 5000)]
    public async Task End_of_message_framing_waits_for_a_marker_split_across_writes()
    {
        var messages = await ReadAllAsync(NetconfFraming.EndOfMessage, TestContext.Current.CancellationToken, "<a/>]]", ">]]", "><b/>]]>]]>");

        Assert.Equal(["<a/>", "<b/>", null], messages);
    }

    [Fact(Timeout = 5000)]
    public async Task Chunked_framing_joins_the_chunks_of_one_message()
    {
        var messages = await ReadAllAsync(NetconfFraming.Chunked, TestContext.Current.CancellationToken, "\n#4\n<rpc\n#8\n message\n", "#3\n/>x\n##\n");

        Assert.Equal(["<rpc message/>x", null], messages);
    }

    [Fact(Timeout = 5000)]
    public async Task Chunked_framing_waits_for_a_header_split_anywhere()
    {
        var messages = await ReadAllAsync(NetconfFraming.Chunked, TestContext.Current.CancellationToken, "\n", "#", "1", "2", "\n<a>12345</a>", "\n", "#", "#", "\n");

        Assert.Equal(["<a>12345</a>", null], messages);
    }

    [Fact(Timeout = 5000)]
    public async Task A_message_cut_short_by_the_close_is_dropped()
    {
        Assert.Equal([null], await ReadAllAsync(NetconfFraming.Chunked, TestContext.Current.CancellationToken, "\n#10\n<rpc"));
        Assert.Equal([null], await ReadAllAsync(NetconfFraming.EndOfMessage, TestContext.Current.CancellationToken, "<rpc/>]]>]"));
    }

    [Theory(Timeout = 5000)]
    [InlineData("\n#0\n", "bad chunk-size")]
    [InlineData("\n#012\n", "bad chunk-size")]
    [InlineData("\n#-1\n", "bad chunk-size")]
    [InlineData("\n#\n", "bad chunk-size")]
    [InlineData("\n##\n", "before any chunk")]
    [InlineData("<rpc/>", "expected a chunk header")]
    [InlineData("\n#3\nabcX", "expected \"\\n#\" after a chunk")]
    [InlineData("\n#257\n", "over nso-sim's limit")]
    [InlineData("\n#99999999999999999999\n", "over nso-sim's limit")]
    public async Task A_bad_chunk_header_is_a_framing_error(string input, string expected)
    {
        var error = await Assert.ThrowsAsync<NetconfFramingException>(() => ReadAllAsync(NetconfFraming.Chunked, TestContext.Current.CancellationToken, input));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task Chunks_that_add_up_past_the_message_limit_are_a_framing_error()
    {
        var chunk = "\n#200\n" + new string('x', 200);

        var error = await Assert.ThrowsAsync<NetconfFramingException>(() => ReadAllAsync(NetconfFraming.Chunked, TestContext.Current.CancellationToken, string.Concat(Enumerable.Repeat(chunk, 6))));

        Assert.Contains("past 1024 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task An_unterminated_message_past_the_limit_is_a_framing_error()
    {
        var error = await Assert.ThrowsAsync<NetconfFramingException>(() => ReadAllAsync(NetconfFraming.EndOfMessage, TestContext.Current.CancellationToken, new string('x', 2000)));

        Assert.Contains("no ]]>]]> within 1024 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_reply_is_cut_into_chunks_of_the_buffer_size()
    {
        var output = new MemoryStream();
        var frame = new FramedMessageStream(output, NetconfFraming.Chunked, 4, TestContext.Current.CancellationToken);

        await frame.WriteAsync(Encoding.UTF8.GetBytes("<ok/>abc"), TestContext.Current.CancellationToken);
        await frame.WriteAsync(Encoding.UTF8.GetBytes("d"), TestContext.Current.CancellationToken);
        await frame.CompleteAsync();

        Assert.Equal("\n#4\n<ok/\n#4\n>abc\n#1\nd\n##\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact(Timeout = 5000)]
    public async Task An_end_of_message_reply_ends_with_the_marker()
    {
        var output = new MemoryStream();
        var frame = new FramedMessageStream(output, NetconfFraming.EndOfMessage, 4, TestContext.Current.CancellationToken);

        await frame.WriteAsync(Encoding.UTF8.GetBytes("<ok/>"), TestContext.Current.CancellationToken);
        await frame.CompleteAsync();

        Assert.Equal("<ok/>]]>]]>", Encoding.UTF8.GetString(output.ToArray()));
    }
}
