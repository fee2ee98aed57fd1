using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

/// <summary>The daemon side of IPC (docs/NSO-NOTES.md §4), driven over in-memory pipes: no socket, the access check off.</summary>
public sealed class IpcSessionTests : IAsyncLifetime
{
    private static readonly NsoVersion Daemon = NsoVersion.Parse("6.5");

    private readonly Pipe _toDaemon = new();
    private readonly Pipe _fromDaemon = new();
    private readonly List<string> _protocolErrors = [];
    private readonly List<IpcAccessRejection> _rejections = [];
    private readonly List<string> _unserved = [];
    private readonly List<string> _devel = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _session;

    public IpcSessionTests()
    {
        var context = new IpcSessionContext(Daemon, IpcAccessCheckOff.Instance, new EchoControl(), _protocolErrors.Add, _rejections.Add)
        {
            ReportUnserved = _unserved.Add,
            ReportDevel = _devel.Add,
            NorthboundPort = name => name == IpcUnservedClient.CliSsh ? 12024 : name == IpcUnservedClient.NetconfSsh ? 12022 : null,
        };
        _session = new IpcSession(_toDaemon.Reader, _fromDaemon.Writer, context).RunAsync(_stop.Token);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _session.WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    [Fact(Timeout = 5000)]
    public async Task A_control_client_gets_the_hello_reply_then_a_text_reply_per_request()
    {
        await SendAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode(), TestContext.Current.CancellationToken);

        Assert.Equal(IpcHelloReply.For(Daemon, 85).Encode(), await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken));

        await SendAsync(Frame("status"), TestContext.Current.CancellationToken);
        Assert.Equal("echo: status", Encoding.UTF8.GetString((await _fromDaemon.Reader.ReadFrameAsync(TestContext.Current.CancellationToken))!));
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_newer_than_the_daemon_is_told_incompatible_and_closed()
    {
        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 87, 0x06070000).Encode(), TestContext.Current.CancellationToken);

        var reply = IpcHelloReply.Decode(await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken));

        Assert.Equal(IpcHelloStatus.ProtocolVersionIncompatible, reply.Status);
        Assert.Equal(85, reply.ProtocolVersion);
        await AssertClosedAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_asking_for_a_challenge_gets_one_rejection_byte_and_is_closed_while_the_check_is_off()
    {
        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.V1Md5, 85, Daemon.PackedVersion).Encode(), TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1, TestContext.Current.CancellationToken));
        await AssertClosedAsync(TestContext.Current.CancellationToken);
        Assert.Contains("asked for a v1 (MD5) challenge, but ncs-ipc-access-check is off", Assert.Single(_rejections).Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_control_request_longer_than_any_control_word_closes_the_connection()
    {
        await SendAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode(), TestContext.Current.CancellationToken);
        await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken);

        await SendAsync([0x00, 0x00, 0x10, 0x01], TestContext.Current.CancellationToken);

        await AssertClosedAsync(TestContext.Current.CancellationToken);
        Assert.Contains("4097 bytes is over the 4096-byte limit", Assert.Single(_protocolErrors), StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_maapi_client_that_sends_a_request_is_closed_with_a_warning_naming_it_and_what_works()
    {
        // The request with the hello, so the grace for a silent client cannot end first on a loaded
        // machine; "sent a request" in the warning shows the request, not the grace, closed it.
        await SendAsync([.. new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode(), .. Frame("an Erlang term")], TestContext.Current.CancellationToken);
        await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken);

        await AssertClosedAsync(TestContext.Current.CancellationToken);
        Assert.Equal(
            "MAAPI client (id 7) from pipe sent a request: nso-sim does not simulate MAAPI, CDB or data-provider requests, so it closed the connection. "
            + "What works: ncs --status and the other control commands, NETCONF over SSH on port 12022, the CLI over SSH on port 12024",
            Assert.Single(_unserved));
        Assert.Empty(_protocolErrors);
    }

    [Fact(Timeout = 5000)]
    public async Task A_cdb_client_that_stays_silent_after_the_hello_is_closed_by_the_grace_with_a_warning()
    {
        // That the grace keeps this under a second is checked from the timeouts, not a wall clock.
        await SendAsync(new IpcHello(IpcClientId.Cdb, IpcChallengeRequest.None, 82, 0x08020500, 60, 18).Encode(), TestContext.Current.CancellationToken);
        await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken);

        await AssertClosedAsync(TestContext.Current.CancellationToken);

        Assert.StartsWith("CDB client (id 5) from pipe stayed open 500 ms after the IPC hello: nso-sim does not simulate", Assert.Single(_unserved), StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_that_closes_right_after_the_hello_as_the_health_check_does_earns_no_warning_only_a_devel_line()
    {
        // Closed with the hello, so that a loaded machine cannot let the grace end first.
        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode(), TestContext.Current.CancellationToken);
        await _toDaemon.Writer.CompleteAsync();
        await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken);

        await AssertClosedAsync(TestContext.Current.CancellationToken);
        Assert.Empty(_unserved);
        Assert.Equal("MAAPI client (id 7) from pipe closed after the IPC hello", Assert.Single(_devel));
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_refused_for_its_protocol_version_is_closed_with_a_warning_naming_both_versions()
    {
        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 87, 0x06070000).Encode(), TestContext.Current.CancellationToken);
        await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken);

        await AssertClosedAsync(TestContext.Current.CancellationToken);
        Assert.Equal("MAAPI client (id 7) from pipe: its protocol version 87 is incompatible with this daemon's 85 (NSO 6.5); told so and closed", Assert.Single(_unserved));
    }

    [Fact]
    public void The_longest_path_to_closing_an_unserved_client_takes_well_under_a_second_by_default()
    {
        // A silent library client: the grace, then no linger; one that sent a request, or ncs_cli
        // writing its header: at most the grace and the linger. Either way below 1 s, so no real client waits.
        var timeouts = IpcSessionTimeouts.Default;

        Assert.True(timeouts.UnservedGrace + timeouts.CloseLinger < TimeSpan.FromSeconds(1), $"{timeouts.UnservedGrace} + {timeouts.CloseLinger}");
    }

    [Fact(Timeout = 5000)]
    public async Task A_control_client_is_kept_open_and_served_past_the_grace_that_closes_other_clients()
    {
        await SendAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode(), TestContext.Current.CancellationToken);
        await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken);

        await Task.Delay(IpcSessionTimeouts.Default.UnservedGrace * 2, TestContext.Current.CancellationToken);
        await SendAsync(Frame("status"), TestContext.Current.CancellationToken);

        Assert.Equal("echo: status", Encoding.UTF8.GetString((await _fromDaemon.Reader.ReadFrameAsync(TestContext.Current.CancellationToken))!));
        Assert.Empty(_unserved);
    }

    [Fact(Timeout = 5000)]
    public async Task An_absurd_frame_length_closes_the_connection_and_is_reported()
    {
        await SendAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode(), TestContext.Current.CancellationToken);
        await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken);

        await SendAsync([0xFF, 0xFF, 0xFF, 0xFF], TestContext.Current.CancellationToken);

        await AssertClosedAsync(TestContext.Current.CancellationToken);
        Assert.Contains("4294967295 bytes", Assert.Single(_protocolErrors), StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_that_closes_in_the_middle_of_the_hello_ends_the_session_quietly()
    {
        await SendAsync([(byte)IpcClientId.Cdb, 0x00], TestContext.Current.CancellationToken);
        await _toDaemon.Writer.CompleteAsync();

        await AssertClosedAsync(TestContext.Current.CancellationToken);
        Assert.Empty(_protocolErrors);
    }

    [Fact(Timeout = 5000)]
    public async Task A_hello_split_across_writes_is_still_answered()
    {
        var hello = new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode();

        await SendAsync(hello[..1], TestContext.Current.CancellationToken);
        await SendAsync(hello[1..4], TestContext.Current.CancellationToken);
        await SendAsync(hello[4..], TestContext.Current.CancellationToken);

        Assert.Equal(IpcHelloStatus.Ok, IpcHelloReply.Decode(await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken)).Status);
    }

    private static byte[] Frame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }

    private async Task SendAsync(byte[] bytes, CancellationToken cancellationToken) => await _toDaemon.Writer.WriteAsync(bytes, cancellationToken);

    private async Task<byte[]> ReceiveAsync(int count, CancellationToken cancellationToken) =>
        await _fromDaemon.Reader.ReadBytesAsync(count, cancellationToken) ?? throw new EndOfStreamException();

    private async Task AssertClosedAsync(CancellationToken cancellationToken)
    {
        await _session.WaitAsync(cancellationToken);
        var rest = await _fromDaemon.Reader.ReadAsync(cancellationToken);
        Assert.True(rest.IsCompleted);
        Assert.True(rest.Buffer.IsEmpty);
    }

    private sealed class EchoControl : ISimControl
    {
        public ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken) => ValueTask.FromResult("echo: " + request);
    }
}
