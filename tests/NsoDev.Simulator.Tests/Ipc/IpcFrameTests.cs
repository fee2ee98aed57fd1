using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

public sealed class IpcFrameTests
{
    private static readonly byte[] StatusFrame = [0, 0, 0, 6, .. "status"u8];

    [Fact]
    public void A_frame_is_a_big_endian_length_then_the_payload()
    {
        var writer = new ArrayBufferWriter<byte>();

        IpcFrame.Write(writer, "status"u8);

        Assert.Equal(StatusFrame, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_whole_frame_is_taken_off_the_buffer_and_the_rest_is_left()
    {
        var buffer = new ReadOnlySequence<byte>([.. StatusFrame, 0, 0]);

        Assert.True(IpcFrame.TryRead(ref buffer, out var payload));
        Assert.Equal("status", Encoding.UTF8.GetString(payload));
        Assert.Equal(2, buffer.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(9)]
    public void A_partial_frame_is_left_untouched_to_wait_for_more_bytes(int available)
    {
        var buffer = new ReadOnlySequence<byte>(StatusFrame.AsMemory(0, available));

        Assert.False(IpcFrame.TryRead(ref buffer, out _));
        Assert.Equal(available, buffer.Length);
    }

    [Fact]
    public void An_empty_frame_is_a_frame()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 0 });

        Assert.True(IpcFrame.TryRead(ref buffer, out var payload));
        Assert.True(payload.IsEmpty);
    }

    [Fact]
    public void A_length_over_16_MiB_is_a_protocol_error()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x01, 0x00, 0x00, 0x01 });

        var error = Assert.Throws<IpcProtocolException>(() => IpcFrame.TryRead(ref buffer, out _));

        Assert.Contains("16777217 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_frame_arriving_byte_by_byte_is_read_once_complete()
    {
        var pipe = new Pipe();
        var read = pipe.Reader.ReadFrameAsync(TestContext.Current.CancellationToken).AsTask();

        foreach (var b in StatusFrame)
        {
            Assert.False(read.IsCompleted);
            await pipe.Writer.WriteAsync(new[] { b }, TestContext.Current.CancellationToken);
        }

        Assert.Equal("status"u8.ToArray(), await read);
    }

    [Fact(Timeout = 5000)]
    public async Task Two_frames_in_one_write_are_read_one_at_a_time()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(StatusFrame.Concat(StatusFrame).ToArray(), TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();

        Assert.Equal("status"u8.ToArray(), await pipe.Reader.ReadFrameAsync(TestContext.Current.CancellationToken));
        Assert.Equal("status"u8.ToArray(), await pipe.Reader.ReadFrameAsync(TestContext.Current.CancellationToken));
        Assert.Null(await pipe.Reader.ReadFrameAsync(TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 5000)]
    public async Task A_peer_closing_in_the_middle_of_a_frame_reads_as_closed()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(StatusFrame.AsMemory(0, 7), TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();

        Assert.Null(await pipe.Reader.ReadFrameAsync(TestContext.Current.CancellationToken));
    }
}
