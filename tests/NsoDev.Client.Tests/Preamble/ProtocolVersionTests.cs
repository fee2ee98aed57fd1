using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Ipc;
using NsoDev.Client.Tests.Sim;

namespace NsoDev.Client.Tests.Preamble;

/// <summary>
/// Protocol versions across releases (docs/NSO-NOTES.md §4: 82 in 6.2.5, 85 in 6.5, 87 in 6.7). nso-sim's rule
/// (src/NsoDev.Simulator/Ipc/IpcHelloReply.cs): a daemon refuses clients newer than itself, and ones
/// older than protocol 60; older clients down to 60 are served.
/// </summary>
public sealed class ProtocolVersionTests(TwoReleasesSimFixture fixture) : IClassFixture<TwoReleasesSimFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task A_6_7_client_is_refused_by_a_6_5_daemon_as_a_protocol_mismatch_naming_both_versions()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var client = ClientHost.Client(fixture.Nso65.ClientVariables.With("NsoDev:Ipc:Release", "6.7"), retries: 3);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => client.ConnectAsync(NsoClientType.Maapi, cancellationToken));

        Assert.Equal(IpcFailure.ProtocolMismatch, error.Failure);
        Assert.Equal($"protocol version incompatible: this client speaks 87, the daemon on {fixture.Nso65.Endpoint} 85. Use the client library of the daemon's NSO release.", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_announcing_a_protocol_newer_than_the_daemons_is_refused_as_a_protocol_mismatch()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(new IpcConnectOptions(fixture.Nso67.Endpoint, NsoClientType.Maapi, new NsoRelease(6, 7)) { ProtocolVersion = 99 }, cancellationToken));

        Assert.Equal(IpcFailure.ProtocolMismatch, error.Failure);
        Assert.Contains("this client speaks 99", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_6_2_5_c_library_client_with_protocol_82_and_confds_library_version_is_admitted_by_a_6_5_daemon()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        // What ncs_cmd from 6.2.5 announces: protocol 82, library version 8.2.5 (the embedded ConfD release).
        using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(fixture.Nso65.Endpoint, NsoClientType.Cdb, new NsoRelease(6, 2)) { LibraryVersion = 0x08020500 }, cancellationToken);

        Assert.True(socket.Connected);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_6_5_client_is_served_by_a_6_7_daemon_because_daemons_talk_to_older_clients()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var client = ClientHost.Client(fixture.Nso67.ClientVariables.With("NsoDev:Ipc:Release", "6.5"));

        using var socket = await client.ConnectAsync(NsoClientType.Maapi, cancellationToken);

        Assert.True(socket.Connected);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_older_than_the_oldest_protocol_the_daemon_serves_is_refused_as_a_protocol_mismatch()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(new IpcConnectOptions(fixture.Nso67.Endpoint, NsoClientType.Maapi, new NsoRelease(6, 7)) { ProtocolVersion = 59 }, cancellationToken));

        Assert.Equal(IpcFailure.ProtocolMismatch, error.Failure);
        Assert.Equal($"protocol version incompatible: this client speaks 59, the daemon on {fixture.Nso67.Endpoint} 87. Use the client library of the daemon's NSO release.", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_nso_ipc_health_check_speaks_the_configured_releases_protocol_and_is_unhealthy_on_a_mismatch()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        var matching = await ClientHost.CheckAsync(fixture.Nso67.ClientVariables.With("NsoDev:Ipc:Release", "6.7"), cancellationToken);
        var newer = await ClientHost.CheckAsync(fixture.Nso65.ClientVariables.With("NsoDev:Ipc:Release", "6.7"), cancellationToken);

        Assert.Equal(HealthStatus.Healthy, matching.Status);
        Assert.Equal(HealthStatus.Unhealthy, newer.Status);
        Assert.Contains("protocol version incompatible: this client speaks 87", newer.Description, StringComparison.Ordinal);
    }
}
