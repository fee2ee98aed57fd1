using System.Net;
using NsoDev.Simulator.Ssh.Tests.Support;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests;

public sealed class SshServerTests
{
    [Fact]
    public void Invalid_options_are_reported_together_in_one_error()
    {
        var options = TestServer.Options(new TestHandlers(), " ", new());
        options.AuthenticationTimeout = TimeSpan.Zero;
        options.MaxAuthenticationAttempts = 0;

        var error = Assert.Throws<ArgumentException>(() => new SshServer(options));

        Assert.Equal(
            "The SSH server options are not valid: HostKeyDirectory: The SshServerOptions.HostKeyDirectory field is required; " +
            "AuthenticationTimeout: The field SshServerOptions.AuthenticationTimeout must be between 00:00:01 and 01:00:00; " +
            "MaxAuthenticationAttempts: The field SshServerOptions.MaxAuthenticationAttempts must be between 1 and 100. (Parameter 'options')",
            error.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task Disposing_the_server_disconnects_its_clients_and_cancels_their_handlers()
    {
        var cancelled = new TaskCompletionSource();
        var server = InProcessServer.Create();
        server.Handlers.Commands["wait"] = async (_, ct) =>
        {
            await using var registration = ct.Register(cancelled.SetResult);
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        };
        var (client, served) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        var channel = await client.OpenSessionAsync();
        await client.RequestAsync(channel, "exec", "wait");
        await client.ExpectAsync(SshMessage.ChannelSuccess);

        await server.DisposeAsync();

        await cancelled.Task;
        await served;
        SshPacket packet;
        while ((packet = await client.ReadAsync()).MessageNumber != SshMessage.Disconnect)
        {
        }

        Assert.Equal((DisconnectReason.ByApplication, "the server is stopping"), Messages.Disconnect(packet));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.Server.HandleConnectionAsync(new MemoryStream(), null, CancellationToken.None));
    }

    // Nothing here takes a token: the timeout guards the two disposals (the listener's accept loop, the server).
#pragma warning disable xUnit1069
    [Fact(Timeout = 20_000)]
#pragma warning restore xUnit1069
    public async Task The_listener_reports_the_port_it_bound_and_refuses_to_start_twice()
    {
        await using var server = InProcessServer.Create();
        await using var listener = new SshListener(server.Server);
        Assert.Equal("the SSH listener is not started; call Start first", Assert.Throws<InvalidOperationException>(() => listener.LocalEndPoint).Message);

        var port = listener.Start(new IPEndPoint(IPAddress.Loopback, 0));

        Assert.NotEqual(0, port);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), listener.LocalEndPoint);
        Assert.Equal("the SSH listener is already started", Assert.Throws<InvalidOperationException>(() => listener.Start(new IPEndPoint(IPAddress.Loopback, 0))).Message);
    }
}
