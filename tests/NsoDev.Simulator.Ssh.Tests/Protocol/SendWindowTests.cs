using NsoDev.Simulator.Ssh.Connection;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Protocol;

public sealed class SendWindowTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_writer_takes_at_most_one_packet_and_waits_while_the_window_is_empty()
    {
        var window = new SendWindow(initial: 1000, maxPacket: 400);

        Assert.Equal(400, await window.TakeAsync(5000, TestContext.Current.CancellationToken));
        Assert.Equal(400, await window.TakeAsync(5000, TestContext.Current.CancellationToken));
        Assert.Equal(200, await window.TakeAsync(5000, TestContext.Current.CancellationToken));
        var waiting = window.TakeAsync(5000, TestContext.Current.CancellationToken).AsTask();
        Assert.False(waiting.IsCompleted);

        window.Add(50);

        Assert.Equal(50, await waiting);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_writer_waiting_for_window_learns_that_the_channel_closed()
    {
        var window = new SendWindow(initial: 0, maxPacket: 400);
        var waiting = window.TakeAsync(10, TestContext.Current.CancellationToken).AsTask();

        window.Close();

        var error = await Assert.ThrowsAsync<IOException>(() => waiting);
        Assert.Equal("the client closed the channel", error.Message);
    }

    [Fact]
    public void A_window_adjust_past_four_gigabytes_is_a_protocol_error()
    {
        var window = new SendWindow(initial: uint.MaxValue - 10, maxPacket: 400);

        var error = Assert.Throws<SshProtocolException>(() => window.Add(11));

        Assert.Equal("a window adjust of 11 takes the window past 2^32-1 (RFC 4254 section 5.2)", error.Message);
    }
}
