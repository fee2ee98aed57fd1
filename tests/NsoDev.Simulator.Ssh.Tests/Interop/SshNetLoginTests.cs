using NsoDev.Simulator.Ssh.Tests.Support;
using Renci.SshNet.Common;

namespace NsoDev.Simulator.Ssh.Tests.Interop;

public sealed class SshNetLoginTests
{
    [Fact(Timeout = 30_000)]
    public async Task A_client_with_the_right_password_logs_in_and_runs_a_command()
    {
        var handlers = new TestHandlers();
        handlers.Commands["whoami"] = TestHandlers.Writes("admin\n");
        await using var server = TestServer.Start(handlers);

        using var client = await server.ConnectAsync(TestContext.Current.CancellationToken);
        using var command = client.CreateCommand("whoami");
        await command.ExecuteAsync(TestContext.Current.CancellationToken);

        Assert.Equal("admin\n", command.Result);
        Assert.Equal(0, command.ExitStatus);
        Assert.Contains(server.Log, line => line.Contains("login ok: user admin, method password", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_with_a_wrong_password_is_refused_and_the_failure_is_logged()
    {
        await using var server = TestServer.Start(new TestHandlers());

        var refused = await Assert.ThrowsAsync<SshAuthenticationException>(() => server.ConnectAsync(server.ConnectionInfo(password: "wrong"), TestContext.Current.CancellationToken));

        Assert.Contains("password", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(server.Log, line => line.Contains("login failed: user admin, method password", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Log, line => line.Contains("wrong", StringComparison.Ordinal));
    }
}
