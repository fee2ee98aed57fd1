using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using NsoDev.Client.Tests.Preamble;
using NsoDev.Client.Tests.Sim;
using NsoDev.Ipc;

namespace NsoDev.Client.Tests.Registration;

/// <summary>
/// One process, clients of two instances (an LSA CFS and an RFS): each keyed client reaches its own
/// daemon, with its own release and secret.
/// </summary>
public sealed class KeyedInstancesTests(TwoReleasesSimFixture fixture) : IClassFixture<TwoReleasesSimFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task Two_keyed_clients_reach_two_sim_daemons_each_speaking_its_own_daemons_release()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        // A 6.7 client is refused by a 6.5 daemon, so a client that reached the other's daemon would fail.
        var variables = fixture.Nso65.ConnectionVariables("cfs").With("ConnectionStrings:rfs", fixture.Nso67.ConnectionString);
        using var host = ClientHost.Build(variables, b =>
        {
            b.AddKeyedNsoIpcClient("cfs");
            b.AddKeyedNsoIpcClient("rfs");
        });
        var cfs = host.Services.GetRequiredKeyedService<NsoIpcClient>("cfs");
        var rfs = host.Services.GetRequiredKeyedService<NsoIpcClient>("rfs");

        using var toCfs = await cfs.ConnectAsync(NsoClientType.Maapi, cancellationToken);
        using var toRfs = await rfs.ConnectAsync(NsoClientType.Cdb, cancellationToken);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(cancellationToken);

        Assert.Equal((fixture.Nso65.Endpoint, new NsoRelease(6, 5)), (cfs.Endpoint, cfs.Release));
        Assert.Equal((fixture.Nso67.Endpoint, new NsoRelease(6, 7)), (rfs.Endpoint, rfs.Release));
        Assert.Equal(HealthStatus.Healthy, report.Entries["nso-ipc-cfs"].Status);
        Assert.Equal(HealthStatus.Healthy, report.Entries["nso-ipc-rfs"].Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_keyed_client_with_the_other_instances_release_is_refused_so_the_release_is_per_instance()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var variables = fixture.Nso65.ConnectionVariables("cfs").With("ConnectionStrings:cfs", fixture.Nso65.ConnectionString.Replace("Release=6.5", "Release=6.7", StringComparison.Ordinal));
        using var host = ClientHost.Build(variables, b => b.AddKeyedNsoIpcClient("cfs", s => s.ConnectRetries = 0));

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => host.Services.GetRequiredKeyedService<NsoIpcClient>("cfs").ConnectAsync(NsoClientType.Maapi, cancellationToken));

        Assert.Equal(IpcFailure.ProtocolMismatch, error.Failure);
    }

    [Fact(Timeout = 30_000)]
    public async Task Two_keyed_clients_reach_two_scripted_peers_each_with_its_own_hello_and_secret()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var cfsSecret = new TempSecret("cfs-secret\n");
        using var rfsSecret = new TempSecret("rfs-secret\n");
        await using var cfsPeer = ScriptedPeer.Listen("tcp");
        await using var rfsPeer = ScriptedPeer.Listen("local");
        var cfsScript = cfsPeer.RunAsync(c => PlayAsync(c, expectedProtocol: 85, expectedConfdMinor: 5, File.ReadAllBytes(cfsSecret.Path), cancellationToken), cancellationToken);
        var rfsScript = rfsPeer.RunAsync(c => PlayAsync(c, expectedProtocol: 87, expectedConfdMinor: 7, File.ReadAllBytes(rfsSecret.Path), cancellationToken), cancellationToken);
        var tcp = (NsoIpcEndpoint.Tcp)cfsPeer.Endpoint;
        var unix = (NsoIpcEndpoint.UnixSocket)rfsPeer.Endpoint;
        var variables = ClientHost.Variables(
            ("ConnectionStrings:cfs", $"Host={tcp.Address};Port={tcp.Port};Release=6.5;AccessFile={cfsSecret.Path}"),
            ("ConnectionStrings:rfs", $"path={unix.Path};accessfile={rfsSecret.Path};release=6.7"));
        using var host = ClientHost.Build(variables, b =>
        {
            b.AddKeyedNsoIpcClient("cfs");
            b.AddKeyedNsoIpcClient("rfs");
        });

        using var toCfs = await host.Services.GetRequiredKeyedService<NsoIpcClient>("cfs").ConnectAsync(NsoClientType.Maapi, cancellationToken);
        using var toRfs = await host.Services.GetRequiredKeyedService<NsoIpcClient>("rfs").ConnectAsync(NsoClientType.Maapi, cancellationToken);

        await Task.WhenAll(cfsScript, rfsScript);
    }

    /// <summary>NSO's side (NSO-NOTES §4): check the hello, challenge for SHA-256, check the answer against this peer's secret.</summary>
    private static async Task PlayAsync(Connection connection, int expectedProtocol, byte expectedConfdMinor, byte[] secret, CancellationToken cancellationToken)
    {
        var hello = await connection.ReceiveAsync(9, cancellationToken);
        Assert.Equal(new byte[] { 0xC7, 0x00, (byte)expectedProtocol, 0x08, expectedConfdMinor, 0x00, 0x00, 0x00, 0x00 }, hello);
        var (challenge, answer) = await connection.ChallengeAsync(32, cancellationToken);
        Assert.Equal(SHA256.HashData([.. secret, .. challenge]), answer[1..]);
        await connection.SendAsync([0x00, 0x00, 0x00, (byte)expectedProtocol, 0x06, expectedConfdMinor, 0x00, 0x00, 0x14, 0x09], cancellationToken);
    }
}
