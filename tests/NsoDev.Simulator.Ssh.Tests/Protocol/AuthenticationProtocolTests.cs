using Microsoft.Extensions.Time.Testing;
using NsoDev.Simulator.Ssh.Tests.Support;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Protocol;

public sealed class AuthenticationProtocolTests
{
    [Fact(Timeout = 20_000)]
    public async Task The_none_method_is_answered_with_a_failure_that_offers_password()
    {
        await using var server = InProcessServer.Create();
        var (client, _) = await server.ConnectClientAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        await client.SendAsync(SshWriter.Message(SshMessage.ServiceRequest).WriteString("ssh-userauth"));
        await client.ExpectAsync(SshMessage.ServiceAccept);

        await client.SendAsync(SshWriter.Message(SshMessage.UserAuthRequest).WriteString("admin").WriteString("ssh-connection").WriteString("none"));

        var (methods, partial) = Messages.UserAuthFailure(await client.ReadAsync());
        Assert.Equal(["password"], methods);
        Assert.False(partial);
        Assert.True(await client.TryPasswordAsync("admin", "admin"));
    }

    [Fact(Timeout = 20_000)]
    public async Task Too_many_wrong_passwords_end_the_connection()
    {
        await using var server = InProcessServer.Create(configure: options => options.MaxAuthenticationAttempts = 3);
        var (client, served) = await server.ConnectClientAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        Assert.False(await client.LoginAsync("admin", "one"));
        Assert.False(await client.TryPasswordAsync("admin", "two"));
        await client.SendAsync(SshWriter.Message(SshMessage.UserAuthRequest)
            .WriteString("admin").WriteString("ssh-connection").WriteString("password").WriteBoolean(false).WriteString("three"));

        Assert.Equal((DisconnectReason.NoMoreAuthMethodsAvailable, "too many authentication failures (3)"), Messages.Disconnect(await client.ReadAsync()));
        await served;
        Assert.Contains(server.Log, line => line.EndsWith("login failed: user admin, method password (3 of 3)", StringComparison.Ordinal));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_password_check_that_throws_refuses_the_login_and_keeps_the_connection()
    {
        await using var server = InProcessServer.Create(configure: options => options.CheckPassword = (_, _) => throw new IOException("aaa database unreachable"));
        var (client, _) = await server.ConnectClientAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        Assert.False(await client.LoginAsync("admin", "admin"));

        Assert.Contains(server.Log, line => line.EndsWith("password check for user admin threw IOException; login refused", StringComparison.Ordinal));
    }

    [Fact(Timeout = 20_000)]
    public async Task Connection_messages_before_login_end_the_connection()
    {
        await using var server = InProcessServer.Create();
        var (client, served) = await server.ConnectClientAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        await client.SendAsync(SshWriter.Message(SshMessage.ChannelOpen).WriteString("session").WriteUInt32(0).WriteUInt32(1024).WriteUInt32(1024));

        Assert.Equal((DisconnectReason.ProtocolError, "message 90 before authentication"), Messages.Disconnect(await client.ReadAsync()));
        await served;
    }

    [Fact(Timeout = 20_000)]
    public async Task A_service_other_than_ssh_userauth_is_not_available()
    {
        await using var server = InProcessServer.Create();
        var (client, served) = await server.ConnectClientAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        await client.SendAsync(SshWriter.Message(SshMessage.ServiceRequest).WriteString("ssh-connection"));

        Assert.Equal((DisconnectReason.ServiceNotAvailable, "service ssh-connection is not available here"), Messages.Disconnect(await client.ReadAsync()));
        await served;
    }

    [Fact(Timeout = 20_000)]
    public async Task A_client_that_does_not_log_in_in_time_is_disconnected()
    {
        var time = new FakeTimeProvider();
        await using var server = InProcessServer.Create(configure: options => options.AuthenticationTimeout = TimeSpan.FromSeconds(60), time: time);
        var (stream, served) = server.Connect();
        var client = await TestSshClient.ExchangeVersionsAsync(stream, TestContext.Current.CancellationToken);
        await client.ExpectAsync(SshMessage.KexInit);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(served.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((DisconnectReason.ByApplication, "authentication timed out"), Messages.Disconnect(await client.ReadAsync()));
        await served;
        Assert.Contains(server.Log, line => line.EndsWith("no login within 60 s; disconnecting", StringComparison.Ordinal));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_client_that_logged_in_is_not_cut_off_by_the_login_deadline()
    {
        var time = new FakeTimeProvider();
        await using var server = InProcessServer.Create(time: time);
        server.Handlers.Commands["still"] = TestHandlers.Writes("here");
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        time.Advance(TimeSpan.FromMinutes(5));
        var channel = await client.OpenSessionAsync();
        await client.RequestAsync(channel, "exec", "still");

        await client.ExpectAsync(SshMessage.ChannelSuccess);
        Assert.Equal("here", Messages.Data(await client.ReadAsync()));
    }
}
