using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Ipc;
using NsoDev.Client.Tests.Sim;

namespace NsoDev.Client.Tests.Preamble;

/// <summary>The client where no daemon listens: a refusal may mean NSO is still starting, so it is retried.</summary>
public sealed class NothingListeningTests
{
    [Fact(Timeout = 30_000)]
    public async Task A_refused_tcp_connect_is_retried_and_then_reported_as_refused_with_the_fix()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var endpoint = new NsoIpcEndpoint.Tcp("127.0.0.1", FreeTcpPort.Next());
        using var attempts = new ConnectActivities(endpoint);
        var client = ClientHost.Client(Variables(endpoint), retries: 2);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => client.ConnectAsync(NsoClientType.Maapi, cancellationToken));

        Assert.Equal(IpcFailure.Refused, error.Failure);
        Assert.Equal($"connection refused on {endpoint}: is the daemon running, and do NCS_IPC_* point at it?", error.Message);
        Assert.Equal(3, attempts.Stopped.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_unix_socket_that_does_not_exist_is_reported_as_refused()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var endpoint = new NsoIpcEndpoint.UnixSocket(Path.Combine(Path.GetTempPath(), $"nsodev-{Guid.NewGuid():N}.sock"));
        var client = ClientHost.Client(Variables(endpoint));

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => client.ConnectAsync(NsoClientType.Maapi, cancellationToken));

        Assert.Equal(IpcFailure.Refused, error.Failure);
        Assert.Contains(endpoint.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_cancelled_connect_ends_at_once_instead_of_retrying()
    {
        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        await cancelled.CancelAsync();
        var endpoint = new NsoIpcEndpoint.Tcp("127.0.0.1", FreeTcpPort.Next());
        using var attempts = new ConnectActivities(endpoint);
        var client = ClientHost.Client(Variables(endpoint), retries: 5);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ConnectAsync(NsoClientType.Maapi, cancelled.Token));

        Assert.Empty(attempts.Stopped);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_nso_ipc_health_check_is_unhealthy_when_nothing_listens()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var endpoint = new NsoIpcEndpoint.Tcp("127.0.0.1", FreeTcpPort.Next());

        var health = await ClientHost.CheckAsync(Variables(endpoint), cancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal($"IPC preamble on {endpoint} failed: connection refused on {endpoint}: is the daemon running, and do NCS_IPC_* point at it?", health.Description);
    }

    private static Dictionary<string, string?> Variables(NsoIpcEndpoint endpoint) => endpoint switch
    {
        NsoIpcEndpoint.Tcp tcp => new() { ["NCS_IPC_ADDR"] = tcp.Address, ["NCS_IPC_PORT"] = tcp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        NsoIpcEndpoint.UnixSocket unix => new() { ["NCS_IPC_PATH"] = unix.Path },
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
    };
}
