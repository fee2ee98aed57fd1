using System.Net;
using NsoDev.Ipc;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Transport;

namespace NsoDev.Hosting.Tests;

/// <summary>
/// nso-sim's daemon and NsoDev's client agree on every release from 6.2 to 6.7: a client of the
/// daemon's own release gets in, one release newer is refused, and the versions are those recorded
/// from NSO's own libraries (docs/NSO-NOTES.md §4).
/// </summary>
public sealed class ReleaseContractTests
{
    public static TheoryData<string> Releases => ["6.2", "6.3", "6.4", "6.5", "6.6", "6.7"];

    [Theory]
    [InlineData(6, 2, 82)]
    [InlineData(6, 5, 85)]
    [InlineData(6, 6, 86)]
    [InlineData(6, 7, 87)]
    public void The_protocol_version_is_the_one_NSO_libraries_announce(int major, int minor, int recorded) =>
        Assert.Equal(recorded, new NsoRelease(major, minor).ProtocolVersion);

    [Fact]
    public void The_library_version_is_the_embedded_ConfD_release_as_recorded_from_6_2_5() =>
        Assert.Equal(0x08020500u, new NsoRelease(6, 2).LibraryVersion(5));

    [Theory]
    [MemberData(nameof(Releases))]
    public async Task A_client_of_the_daemons_own_release_gets_in(string release)
    {
        await using var daemon = SimulatedDaemon.Start(release);
        using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(daemon.Endpoint, NsoClientType.Maapi, NsoRelease.Parse(release)), daemon.Timeout);
        Assert.True(socket.Connected);
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public async Task A_client_one_release_newer_is_told_the_protocol_is_incompatible(string release)
    {
        await using var daemon = SimulatedDaemon.Start(release);
        var own = NsoRelease.Parse(release);
        var error = await Assert.ThrowsAsync<IpcPreambleException>(() =>
            IpcPreamble.ConnectAsync(new IpcConnectOptions(daemon.Endpoint, NsoClientType.Maapi, own with { Minor = own.Minor + 1 }), daemon.Timeout));
        Assert.Equal(IpcFailure.ProtocolMismatch, error.Failure);
    }

    /// <summary>nso-sim's IPC listener in this process, as the given release, on a port the kernel picks.</summary>
    private sealed class SimulatedDaemon : IAsyncDisposable
    {
        private readonly TcpServiceListener _listener;
        private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));

        private SimulatedDaemon(string release)
        {
            var context = new IpcSessionContext(NsoVersion.Parse(release), new IpcAccessCheckOff(), new NoControl(), _ => { });
            _listener = TcpServiceListener.Bind(new ListenerConf("ipc", "ncs-ipc-address", true, IPAddress.Loopback, 0), new IpcConnectionHandler(context), _ => { });
            _listener.StartAccepting();
            Endpoint = new NsoIpcEndpoint.Tcp("127.0.0.1", _listener.LocalEndPoint.Port);
        }

        public NsoIpcEndpoint Endpoint { get; }

        public CancellationToken Timeout => _timeout.Token;

        public static SimulatedDaemon Start(string release) => new(release);

        public async ValueTask DisposeAsync()
        {
            await _listener.DisposeAsync();
            _timeout.Dispose();
        }

        private sealed class NoControl : ISimControl
        {
            public ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken) => ValueTask.FromResult(string.Empty);
        }
    }
}
