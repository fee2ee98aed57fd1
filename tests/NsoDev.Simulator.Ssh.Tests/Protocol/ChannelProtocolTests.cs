using NsoDev.Simulator.Ssh.Tests.Support;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Protocol;

public sealed class ChannelProtocolTests
{
    [Fact(Timeout = 20_000)]
    public async Task A_handler_s_output_is_followed_by_exit_status_then_eof_then_close()
    {
        await using var server = InProcessServer.Create();
        server.Handlers.Commands["hello"] = TestHandlers.Writes("hello", status: 7);
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        var channel = await client.OpenSessionAsync();
        await client.RequestAsync(channel, "exec", "hello");

        await client.ExpectAsync(SshMessage.ChannelSuccess);
        Assert.Equal("hello", Messages.Data(await client.ReadAsync()));
        Assert.Equal(("exit-status", 7u), Messages.ExitStatus(await client.ReadAsync()));
        await client.ExpectAsync(SshMessage.ChannelEof);
        await client.ExpectAsync(SshMessage.ChannelClose);
    }

    [Fact(Timeout = 20_000)]
    public async Task Pty_and_env_requests_are_accepted_and_then_a_shell_starts()
    {
        await using var server = InProcessServer.Create();
        server.Handlers.ShellHandler = TestHandlers.Writes("nso-sim> ");
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        var channel = await client.OpenSessionAsync();

        await client.SendAsync(SshWriter.Message(SshMessage.ChannelRequest).WriteUInt32(channel).WriteString("pty-req").WriteBoolean(true)
            .WriteString("xterm").WriteUInt32(80).WriteUInt32(24).WriteUInt32(0).WriteUInt32(0).WriteBinary([0]));
        await client.SendAsync(SshWriter.Message(SshMessage.ChannelRequest).WriteUInt32(channel).WriteString("env").WriteBoolean(true)
            .WriteString("LANG").WriteString("C"));
        await client.RequestAsync(channel, "shell", argument: null);

        await client.ExpectAsync(SshMessage.ChannelSuccess);
        await client.ExpectAsync(SshMessage.ChannelSuccess);
        await client.ExpectAsync(SshMessage.ChannelSuccess);
        Assert.Equal("nso-sim> ", Messages.Data(await client.ReadAsync()));
    }

    [Fact(Timeout = 20_000)]
    public async Task Unknown_subsystems_and_requests_are_refused_and_the_channel_stays_usable()
    {
        await using var server = InProcessServer.Create();
        server.Handlers.Subsystems["netconf"] = TestHandlers.Echo;
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        var channel = await client.OpenSessionAsync();

        await client.RequestAsync(channel, "subsystem", "sftp");
        await client.RequestAsync(channel, "x11-req", argument: null);
        await client.RequestAsync(channel, "subsystem", "netconf");
        await client.RequestAsync(channel, "exec", "ls");
        await client.SendDataAsync(channel, "<hello/>"u8.ToArray());

        await client.ExpectAsync(SshMessage.ChannelFailure);
        await client.ExpectAsync(SshMessage.ChannelFailure);
        await client.ExpectAsync(SshMessage.ChannelSuccess);
        await client.ExpectAsync(SshMessage.ChannelFailure);
        Assert.Equal("<hello/>", Messages.Data(await client.ReadAsync()));
        Assert.Contains(server.Log, line => line.EndsWith("channel 0: subsystem sftp refused for user admin", StringComparison.Ordinal));
    }

    [Fact(Timeout = 20_000)]
    public async Task Channel_types_other_than_session_get_open_failure()
    {
        await using var server = InProcessServer.Create();
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        await client.SendAsync(SshWriter.Message(SshMessage.ChannelOpen).WriteString("direct-tcpip")
            .WriteUInt32(5).WriteUInt32(65536).WriteUInt32(32768).WriteString("127.0.0.1").WriteUInt32(22).WriteString("127.0.0.1").WriteUInt32(4000));

        Assert.Equal((3u, "only session channels are supported, not direct-tcpip"), Messages.OpenFailure(await client.ReadAsync()));
    }

    [Fact(Timeout = 20_000)]
    public async Task Global_requests_get_request_failure_only_when_they_want_a_reply()
    {
        await using var server = InProcessServer.Create();
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        await client.SendAsync(SshWriter.Message(SshMessage.GlobalRequest).WriteString("no-more-sessions@openssh.com").WriteBoolean(false));
        await client.SendAsync(SshWriter.Message(SshMessage.GlobalRequest).WriteString("tcpip-forward").WriteBoolean(true).WriteString("").WriteUInt32(0));

        await client.ExpectAsync(SshMessage.RequestFailure);
        Assert.Equal(0u, await client.OpenSessionAsync());
    }

    [Fact(Timeout = 20_000)]
    public async Task Closing_a_channel_cancels_its_handler_and_frees_its_number()
    {
        var cancelled = new TaskCompletionSource();
        await using var server = InProcessServer.Create();
        server.Handlers.Commands["wait"] = async (_, ct) =>
        {
            await using var registration = ct.Register(cancelled.SetResult);
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        };
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        var first = await client.OpenSessionAsync(clientChannel: 10);
        Assert.Equal(1u, await client.OpenSessionAsync(clientChannel: 11));
        await client.RequestAsync(first, "exec", "wait");
        await client.ExpectAsync(SshMessage.ChannelSuccess);

        await client.SendAsync(SshWriter.Message(SshMessage.ChannelClose).WriteUInt32(first));

        await client.ExpectAsync(SshMessage.ChannelClose);
        await cancelled.Task;
        Assert.Equal(0u, await client.OpenSessionAsync(clientChannel: 12));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_handler_that_throws_ends_its_channel_and_the_connection_carries_on()
    {
        await using var server = InProcessServer.Create();
        server.Handlers.Commands["boom"] = (_, _) => throw new InvalidOperationException("boom");
        server.Handlers.Commands["ok"] = TestHandlers.Writes("ok");
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        var channel = await client.OpenSessionAsync();

        await client.RequestAsync(channel, "exec", "boom");

        await client.ExpectAsync(SshMessage.ChannelSuccess);
        Assert.Equal(("exit-status", 255u), Messages.ExitStatus(await client.ReadAsync()));
        await client.ExpectAsync(SshMessage.ChannelEof);
        await client.ExpectAsync(SshMessage.ChannelClose);
        Assert.Contains(server.Log, line => line.EndsWith("channel 0: exec boom failed: InvalidOperationException: boom", StringComparison.Ordinal));
        var next = await client.OpenSessionAsync(clientChannel: 1);
        await client.RequestAsync(next, "exec", "ok");
        await client.ExpectAsync(SshMessage.ChannelSuccess);
        Assert.Equal("ok", Messages.Data(await client.ReadAsync()));
    }

    [Fact(Timeout = 20_000)]
    public async Task The_handler_is_told_the_user_and_the_channel_number()
    {
        await using var server = InProcessServer.Create();
        server.Handlers.Commands["id"] = TestHandlers.Writes("");
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        await client.OpenSessionAsync(clientChannel: 40);
        var second = await client.OpenSessionAsync(clientChannel: 41);

        await client.RequestAsync(second, "exec", "id");
        await client.ExpectAsync(SshMessage.ChannelSuccess);

        Assert.Equal(new SshSessionInfo("admin", null, 1), Assert.Single(server.Handlers.Sessions));
    }

    [Fact(Timeout = 20_000)]
    public async Task More_channels_than_allowed_get_open_failure()
    {
        await using var server = InProcessServer.Create(configure: options => options.MaxChannelsPerConnection = 2);
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        await client.OpenSessionAsync(clientChannel: 0);
        await client.OpenSessionAsync(clientChannel: 1);

        await client.SendAsync(SshWriter.Message(SshMessage.ChannelOpen).WriteString("session").WriteUInt32(2).WriteUInt32(1024).WriteUInt32(1024));

        Assert.Equal((4u, "at most 2 channels per connection"), Messages.OpenFailure(await client.ReadAsync()));
    }
}
