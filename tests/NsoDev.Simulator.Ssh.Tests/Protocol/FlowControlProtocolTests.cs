using NsoDev.Simulator.Ssh.Connection;
using NsoDev.Simulator.Ssh.Tests.Support;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Protocol;

public sealed class FlowControlProtocolTests
{
    private const int Chunk = 32 * 1024;

    [Fact(Timeout = 20_000)]
    public async Task The_window_is_given_back_in_large_steps_as_the_handler_reads()
    {
        var total = new TaskCompletionSource<long>();
        await using var server = InProcessServer.Create();
        server.Handlers.Commands["count"] = async (stream, ct) =>
        {
            var buffer = new byte[8192];
            long count = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                count += read;
            }

            total.SetResult(count);
            return 0;
        };
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        var channel = await client.OpenSessionAsync();
        await client.RequestAsync(channel, "exec", "count");
        await client.ExpectAsync(SshMessage.ChannelSuccess);

        for (var sent = 0; sent < InboundData.InitialWindow; sent += Chunk)
        {
            await client.SendDataAsync(channel, new byte[Chunk]);
        }

        var adjust = await client.ExpectAsync(SshMessage.ChannelWindowAdjust);
        Assert.InRange(Messages.SecondUInt32(adjust), InboundData.InitialWindow / 2, InboundData.InitialWindow);
        await client.SendDataAsync(channel, new byte[Chunk]);
        await client.SendAsync(SshWriter.Message(SshMessage.ChannelEof).WriteUInt32(channel));
        Assert.Equal(InboundData.InitialWindow + Chunk, await total.Task);
    }

    [Fact(Timeout = 20_000)]
    public async Task Data_beyond_the_window_ends_the_connection()
    {
        await using var server = InProcessServer.Create();
        server.Handlers.Commands["sleep"] = async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        };
        var (client, served) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        var channel = await client.OpenSessionAsync();
        await client.RequestAsync(channel, "exec", "sleep");
        await client.ExpectAsync(SshMessage.ChannelSuccess);

        for (var sent = 0; sent <= InboundData.InitialWindow; sent += Chunk)
        {
            await client.SendDataAsync(channel, new byte[Chunk]);
        }

        var (reason, description) = Messages.Disconnect(await client.ReadAsync());
        Assert.Equal(DisconnectReason.ProtocolError, reason);
        Assert.Equal("channel 0: 32768 bytes of data with 0 left in the window", description);
        await served;
    }

    [Fact(Timeout = 20_000)]
    public async Task The_server_never_sends_more_than_the_client_s_window_and_waits_for_more()
    {
        await using var server = InProcessServer.Create();
        server.Handlers.Commands["flood"] = TestHandlers.Writes(new string('x', 3000));
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        // A window of 1000 bytes and packets of at most 400.
        await client.SendAsync(SshWriter.Message(SshMessage.ChannelOpen).WriteString("session").WriteUInt32(0).WriteUInt32(1000).WriteUInt32(400));
        await client.ExpectAsync(SshMessage.ChannelOpenConfirmation);
        await client.RequestAsync(0, "exec", "flood");
        await client.ExpectAsync(SshMessage.ChannelSuccess);

        var sizes = new List<int>();
        while (sizes.Sum() < 1000)
        {
            sizes.Add(Messages.Data(await client.ReadAsync()).Length);
        }

        Assert.Equal([400, 400, 200], sizes);
        await client.SendAsync(SshWriter.Message(SshMessage.ChannelWindowAdjust).WriteUInt32(0).WriteUInt32(2000));
        var rest = 0;
        while (rest < 2000)
        {
            rest += Messages.Data(await client.ReadAsync()).Length;
        }

        Assert.Equal(("exit-status", 0u), Messages.ExitStatus(await client.ReadAsync()));
    }
}
