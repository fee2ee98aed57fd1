using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Ipc;
using NsoDev.Client.Tests.Sim;

namespace NsoDev.Client.Tests.Preamble;

/// <summary>The client against a real nso-sim on TCP IPC whose access check is off.</summary>
public sealed class PreambleOverTcpTests(TcpSimFixture fixture) : SimDaemonTests(fixture), IClassFixture<TcpSimFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task A_client_bound_from_the_injected_variables_completes_the_preamble_over_tcp()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var client = ClientHost.Client(Daemon.ClientVariables);

        using var socket = await client.ConnectAsync(NsoClientType.Maapi, cancellationToken);

        Assert.True(socket.Connected);
        Assert.Equal(Daemon.Endpoint, client.Endpoint);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(NsoClientType.Cdb)]
    [InlineData(NsoClientType.DataProvider)]
    [InlineData(NsoClientType.Notifications)]
    public async Task Every_library_client_type_completes_the_preamble(NsoClientType clientType)
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        using var socket = await ClientHost.Client(Daemon.ClientVariables).ConnectAsync(clientType, cancellationToken);

        Assert.True(socket.Connected);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_holding_a_secret_is_rejected_by_a_daemon_whose_check_is_off_and_told_to_unset_the_access_file()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var secret = new TempSecret("a-secret-the-daemon-does-not-expect\n");
        var client = ClientHost.Client(Daemon.ClientVariables.With("NCS_IPC_ACCESS_FILE", secret.Path));

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => client.ConnectAsync(NsoClientType.Maapi, cancellationToken));

        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        Assert.Contains("access check is off while this client has a secret. Take the secret file away from this client (NCS_IPC_ACCESS_FILE, or AccessFile= in its connection string), or turn the daemon's check on.", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_nso_ipc_health_check_is_healthy_when_the_preamble_succeeds()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        var health = await ClientHost.CheckAsync(Daemon.ClientVariables, cancellationToken);

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal($"IPC preamble on {Daemon.Endpoint} succeeded", health.Description);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_named_connection_health_check_reaches_the_instance_its_connection_string_names()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        // The plain variables point elsewhere: a named client reads its connection string only.
        var health = await ClientHost.CheckAsync(Daemon.ConnectionVariables("cfs").With("NCS_IPC_PORT", "1"), cancellationToken, connectionName: "cfs");

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal($"IPC preamble on {Daemon.Endpoint} succeeded", health.Description);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_host_name_in_the_connection_string_is_resolved_at_connect_and_reported_as_given()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var port = ((NsoIpcEndpoint.Tcp)Daemon.Endpoint).Port;
        var variables = new Dictionary<string, string?> { ["ConnectionStrings:cfs"] = $"Host=localhost;Port={port};Release=6.5" };
        var client = ClientHost.Client(variables, "cfs");

        using var socket = await client.ConnectAsync(NsoClientType.Maapi, cancellationToken);
        var health = await ClientHost.CheckAsync(variables, cancellationToken, connectionName: "cfs");

        Assert.Equal(new NsoIpcEndpoint.Tcp("localhost", port), client.Endpoint);
        Assert.Equal(System.Net.IPAddress.Loopback, ((System.Net.IPEndPoint)socket.RemoteEndPoint!).Address);
        Assert.Equal($"IPC preamble on tcp localhost:{port} succeeded", health.Description);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_from_the_connection_string_completes_the_preamble_over_tcp()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var client = ClientHost.Client(Daemon.ConnectionVariables("nso-1"), "nso-1");

        using var socket = await client.ConnectAsync(NsoClientType.Maapi, cancellationToken);

        Assert.True(socket.Connected);
        Assert.Equal(("nso-1", Daemon.Endpoint), (client.Name, client.Endpoint));
    }

    [Fact(Timeout = 30_000)]
    public async Task The_nso_ipc_health_check_is_unhealthy_with_the_reason_when_the_client_holds_a_secret_the_daemon_does_not_check()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var secret = new TempSecret("unexpected\n");

        var health = await ClientHost.CheckAsync(Daemon.ClientVariables.With("NCS_IPC_ACCESS_FILE", secret.Path), cancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.StartsWith($"IPC preamble on {Daemon.Endpoint} failed: Access Rejected", health.Description, StringComparison.Ordinal);
    }
}
