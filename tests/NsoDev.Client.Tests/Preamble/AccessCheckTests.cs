using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Ipc;
using NsoDev.Client.Tests.Sim;

namespace NsoDev.Client.Tests.Preamble;

/// <summary>The access check (docs/NSO-NOTES.md §4) on a Unix socket.</summary>
public sealed class AccessCheckOverUnixSocketTests(UnixSocketWithAccessCheckSimFixture fixture) : AccessCheckTests(fixture), IClassFixture<UnixSocketWithAccessCheckSimFixture>;

/// <summary>The access check (docs/NSO-NOTES.md §4) on TCP.</summary>
public sealed class AccessCheckOverTcpTests(TcpWithAccessCheckSimFixture fixture) : AccessCheckTests(fixture), IClassFixture<TcpWithAccessCheckSimFixture>;

/// <summary>The client against a real nso-sim whose access check is on; each derived class picks the transport.</summary>
public abstract class AccessCheckTests : SimDaemonTests
{
    private protected AccessCheckTests(SimDaemonFixture fixture)
        : base(fixture)
    {
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_given_the_daemons_access_file_answers_the_v2_challenge_and_gets_in()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var client = ClientHost.Client(Daemon.ClientVariables);

        using var socket = await client.ConnectAsync(NsoClientType.Maapi, cancellationToken);

        Assert.True(socket.Connected);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_given_the_connection_string_with_its_AccessFile_gets_in_and_its_health_check_is_healthy()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var client = ClientHost.Client(Daemon.ConnectionVariables("cfs"), "cfs");

        using var socket = await client.ConnectAsync(NsoClientType.Maapi, cancellationToken);
        var health = await ClientHost.CheckAsync(Daemon.ConnectionVariables("cfs"), cancellationToken, connectionName: "cfs");

        Assert.True(socket.Connected);
        Assert.True(client.AccessCheck);
        Assert.Equal(HealthStatus.Healthy, health.Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_connection_string_without_the_AccessFile_is_rejected_and_its_health_check_says_so()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var withoutSecret = Daemon.ConnectionString.Replace($";AccessFile={Daemon.SecretFile}", string.Empty, StringComparison.Ordinal);
        var variables = new Dictionary<string, string?> { ["ConnectionStrings:cfs"] = withoutSecret };

        var health = await ClientHost.CheckAsync(variables, cancellationToken, connectionName: "cfs");

        Assert.DoesNotContain("AccessFile", withoutSecret, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.StartsWith($"IPC preamble on {Daemon.Endpoint} failed: Access Rejected", health.Description, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_that_asks_for_the_v1_md5_challenge_and_answers_it_with_the_right_secret_gets_in()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(Daemon.Endpoint, NsoClientType.Cdb, new NsoRelease(6, 5)) { Secret = Daemon.Secret, UseV1 = true }, cancellationToken);

        Assert.True(socket.Connected);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_access_file_is_read_through_CONFD_IPC_ACCESS_FILE_first()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var variables = Daemon.ClientVariables.With("CONFD_IPC_ACCESS_FILE", Daemon.SecretFile).With("NCS_IPC_ACCESS_FILE", "/nonexistent/never-read");

        using var socket = await ClientHost.Client(variables).ConnectAsync(NsoClientType.Maapi, cancellationToken);

        Assert.True(socket.Connected);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_with_a_wrong_secret_is_rejected_and_told_to_use_the_daemons_own_file()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var wrong = new TempSecret("not-the-secret\n");
        var client = ClientHost.Client(Daemon.ClientVariables.With("NCS_IPC_ACCESS_FILE", wrong.Path), retries: 3);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => client.ConnectAsync(NsoClientType.Maapi, cancellationToken));

        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        Assert.Equal($"Access Rejected: {Daemon.Endpoint} refused the answer to its challenge. This client's secret file (NCS_IPC_ACCESS_FILE, or AccessFile= in its connection string) must be the daemon's own.", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_secret_without_the_files_trailing_newline_is_a_wrong_secret()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var secret = Daemon.Secret;
        Assert.Equal((byte)'\n', secret[^1]);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(new IpcConnectOptions(Daemon.Endpoint, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = secret[..^1] }, cancellationToken));

        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_without_a_secret_is_rejected_and_told_to_set_NCS_IPC_ACCESS_FILE()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var client = ClientHost.Client(Daemon.ClientVariables.With("NCS_IPC_ACCESS_FILE", null), retries: 3);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => client.ConnectAsync(NsoClientType.Maapi, cancellationToken));

        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        // The daemon's verdict byte itself, read before anyone closes: not a guess from a closed connection.
        Assert.Equal($"Access Rejected by {Daemon.Endpoint} (status 3): the daemon's access check is on. Give this client the daemon's secret file (NCS_IPC_ACCESS_FILE, or AccessFile= in its connection string).", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_nso_ipc_health_check_answers_the_challenge_and_is_healthy()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        var health = await ClientHost.CheckAsync(Daemon.ClientVariables, cancellationToken);

        Assert.Equal(HealthStatus.Healthy, health.Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_nso_ipc_health_check_of_a_client_without_the_secret_is_unhealthy_with_access_rejected()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        var health = await ClientHost.CheckAsync(Daemon.ClientVariables.With("NCS_IPC_ACCESS_FILE", null), cancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        var expected = $"IPC preamble on {Daemon.Endpoint} failed: Access Rejected";
        Assert.True(health.Description?.StartsWith(expected, StringComparison.Ordinal), $"Expected a description starting \"{expected}\", got: {health.Description}");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_hello_that_comes_in_two_writes_is_read_whole_before_the_daemon_rejects_it()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (created, address) = Daemon.Endpoint.CreateSocket();
        using var socket = created;
        await socket.ConnectAsync(address, cancellationToken);

        // The first byte asks for no challenge; the daemon says nothing until the other 8 bytes are in
        // (docs/NSO-NOTES.md §4), then rejects with one byte.
        await socket.SendAsync(new[] { (byte)NsoClientType.Maapi }, cancellationToken);
        await Task.Delay(500, cancellationToken);
        Assert.Equal(0, socket.Available);
        await socket.SendAsync(new byte[] { 0x00, 0x55, 0x06, 0x05, 0x00, 0x00, 0x00, 0x00 }, cancellationToken);
        var verdict = new byte[1];
        var read = await socket.ReceiveAsync(verdict, cancellationToken);

        Assert.Equal(1, read);
        Assert.Equal(3, verdict[0]);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_daemon_logs_each_rejection_with_its_reason_and_never_the_secret()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(new IpcConnectOptions(Daemon.Endpoint, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = [.. "wrong"u8] }, cancellationToken));

        // The daemon sends the rejection before it writes the log line, so wait for the line.
        var log = await WaitForLogAsync("answered the v2 (SHA-256) challenge wrongly", cancellationToken);

        Assert.DoesNotContain(System.Text.Encoding.UTF8.GetString(Daemon.Secret).Trim(), log, StringComparison.Ordinal);
    }

    private async Task<string> WaitForLogAsync(string text, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Daemon.RunDirectory, "logs", "ncs.log");
        while (true)
        {
            var log = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : string.Empty;
            if (log.Contains(text, StringComparison.Ordinal))
            {
                return log;
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
