using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

/// <summary>
/// The access-check challenge (docs/NSO-NOTES.md §4) at the protocol level: a daemon session and
/// a client preamble joined by in-memory pipes, no socket. A library client sends its whole hello
/// first; only then is it challenged.
/// </summary>
public sealed class IpcAccessCheckTests : IAsyncLifetime
{
    private static readonly NsoVersion Daemon = NsoVersion.Parse("6.5");

    /// <summary>The whole file is the secret, trailing newline included.</summary>
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("vTq3-xU9f-secret\n");

    private readonly Pipe _toDaemon = new();
    private readonly Pipe _fromDaemon = new();
    private readonly List<IpcAccessRejection> _rejections = [];
    private readonly List<string> _protocolErrors = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _session = Task.CompletedTask;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _session.WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    [Theory(Timeout = 5000)]
    [InlineData("V1Md5")]
    [InlineData("V2Sha256")]
    public async Task A_client_with_the_right_secret_answers_the_challenge_and_gets_the_hello_reply(string kind)
    {
        StartSession(new IpcAccessCheckOn(Secret));

        var reply = await ClientAsync(IpcClientId.Maapi, Enum.Parse<IpcChallengeRequest>(kind), Secret, TestContext.Current.CancellationToken);

        Assert.Equal(IpcHelloStatus.Ok, reply.Status);
        Assert.Empty(_rejections);
    }

    [Fact(Timeout = 5000)]
    public async Task The_exchange_is_the_whole_hello_then_challenge_answer_verdict_and_the_reply()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync([(byte)IpcClientId.SimControl | 0xC0, 0x00, 0x55, 0x06, 0x05, 0x00, 0x00, 0x00, 0x00], TestContext.Current.CancellationToken);
        var challenge = await ReceiveAsync(1 + 32, TestContext.Current.CancellationToken);
        Assert.Equal(11, challenge[0]);
        await SendAsync([12, .. SHA256.HashData([.. Secret, .. challenge[1..]])], TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 0 }, await ReceiveAsync(1, TestContext.Current.CancellationToken));

        Assert.Equal(IpcHelloReply.For(Daemon, 85).Encode(), await ReceiveAsync(IpcHelloReply.Length, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 5000)]
    public async Task No_challenge_comes_until_all_nine_bytes_of_the_hello_are_in()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync([(byte)IpcClientId.Maapi | 0x80, 0x00, 0x52, 0x08, 0x02, 0x05, 0x00, 0x3c], TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(_fromDaemon.Reader.TryRead(out _), "the daemon challenged before the hello's last byte");
        await SendAsync([0x12], TestContext.Current.CancellationToken);

        Assert.Equal(11, (await ReceiveAsync(1 + 16, TestContext.Current.CancellationToken))[0]);
    }

    [Fact(Timeout = 5000)]
    public async Task A_v1_challenge_is_16_bytes_answered_with_md5()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync(new IpcHello(IpcClientId.Cdb, IpcChallengeRequest.V1Md5, 85, Daemon.PackedVersion).Encode(), TestContext.Current.CancellationToken);
        var challenge = await ReceiveAsync(1 + 16, TestContext.Current.CancellationToken);
#pragma warning disable CA5351 // The v1 protocol is MD5.
        await SendAsync([12, .. MD5.HashData([.. Secret, .. challenge[1..]])], TestContext.Current.CancellationToken);
#pragma warning restore CA5351

        Assert.Equal(new byte[] { 0 }, await ReceiveAsync(1, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 5000)]
    public async Task The_challenge_is_fresh_for_every_connection()
    {
        var check = new IpcAccessCheckOn(Secret);
        var first = await ChallengeFromAsync(check, TestContext.Current.CancellationToken);
        var second = await ChallengeFromAsync(check, TestContext.Current.CancellationToken);

        Assert.NotEqual(first, second);
    }

    [Theory(Timeout = 5000)]
    [InlineData("V1Md5")]
    [InlineData("V2Sha256")]
    public async Task A_client_that_strips_the_files_trailing_newline_is_refused(string kind)
    {
        StartSession(new IpcAccessCheckOn(Secret));

        var error = await Assert.ThrowsAsync<IpcAccessRejectedException>(() => ClientAsync(IpcClientId.Maapi, Enum.Parse<IpcChallengeRequest>(kind), Secret[..^1], TestContext.Current.CancellationToken));

        Assert.Contains("did not accept the answer", error.Message, StringComparison.Ordinal);
        await AssertClosedAsync(TestContext.Current.CancellationToken);
    }

    [Theory(Timeout = 5000)]
    [InlineData("V1Md5")]
    [InlineData("V2Sha256")]
    public async Task A_file_without_a_trailing_newline_is_its_bytes_alone(string kind)
    {
        var secret = Secret[..^1];
        StartSession(new IpcAccessCheckOn(secret));

        var reply = await ClientAsync(IpcClientId.Maapi, Enum.Parse<IpcChallengeRequest>(kind), secret, TestContext.Current.CancellationToken);

        Assert.Equal(IpcHelloStatus.Ok, reply.Status);
        Assert.Empty(_rejections);
    }

    [Theory(Timeout = 5000)]
    [InlineData("V1Md5")]
    [InlineData("V2Sha256")]
    public async Task A_wrong_answer_is_rejected_logged_without_the_secret_and_closed(string kind)
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await Assert.ThrowsAsync<IpcAccessRejectedException>(() => ClientAsync(IpcClientId.Maapi, Enum.Parse<IpcChallengeRequest>(kind), "guess"u8.ToArray(), TestContext.Current.CancellationToken));

        await AssertClosedAsync(TestContext.Current.CancellationToken);
        var rejection = Assert.Single(_rejections);
        Assert.Equal(IpcClientId.Maapi, rejection.ClientId);
        Assert.Contains($"answered the {IpcAccessChallenge.Describe(Enum.Parse<IpcChallengeRequest>(kind))} challenge wrongly", rejection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("vTq3", rejection.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_that_asks_for_no_challenge_while_the_check_is_on_sees_a_first_byte_other_than_11()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode(), TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1, TestContext.Current.CancellationToken));
        await AssertClosedAsync(TestContext.Current.CancellationToken);
        Assert.Contains("asked for no challenge, but ncs-ipc-access-check is on", Assert.Single(_rejections).Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task The_client_preamble_reports_access_rejected_when_it_has_no_secret_and_the_check_is_on()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        var error = await Assert.ThrowsAsync<IpcAccessRejectedException>(() => ClientAsync(IpcClientId.Maapi, IpcChallengeRequest.None, null, TestContext.Current.CancellationToken));

        Assert.Contains("its ncs-ipc-access-check is on and this client has no NCS_IPC_ACCESS_FILE", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_holding_a_secret_fails_against_a_daemon_whose_check_is_off()
    {
        StartSession(IpcAccessCheckOff.Instance);

        var error = await Assert.ThrowsAsync<IpcAccessRejectedException>(() => ClientAsync(IpcClientId.Maapi, IpcChallengeRequest.V2Sha256, Secret, TestContext.Current.CancellationToken));

        Assert.Contains("sent byte 3 instead of a challenge", error.Message, StringComparison.Ordinal);
        Assert.Contains("ncs-ipc-access-check is off", Assert.Single(_rejections).Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task An_answer_that_does_not_start_with_12_is_closed_without_a_verdict_byte()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.V2Sha256, 85, Daemon.PackedVersion).Encode(), TestContext.Current.CancellationToken);
        await ReceiveAsync(33, TestContext.Current.CancellationToken);
        await SendAsync([0x07, .. new byte[32]], TestContext.Current.CancellationToken);

        await AssertClosedAsync(TestContext.Current.CancellationToken, withNothingMore: true);
        Assert.Contains("sent byte 7 where the answer to the v2 (SHA-256) challenge starts with 12; closed without a verdict", Assert.Single(_rejections).Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_that_leaves_in_the_middle_of_its_answer_gets_no_verdict_and_ends_quietly()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.V2Sha256, 85, Daemon.PackedVersion).Encode(), TestContext.Current.CancellationToken);
        await ReceiveAsync(33, TestContext.Current.CancellationToken);
        await SendAsync([12, 1, 2, 3], TestContext.Current.CancellationToken);
        await _toDaemon.Writer.CompleteAsync();

        await AssertClosedAsync(TestContext.Current.CancellationToken, withNothingMore: true);
        Assert.Empty(_rejections);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_too_slow_to_answer_is_closed_without_a_verdict_byte_and_the_log_says_what_came()
    {
        StartSession(new IpcAccessCheckOn(Secret), preamble: TimeSpan.FromMilliseconds(300));

        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.V1Md5, 82, 0x08020500, 60, 18).Encode(), TestContext.Current.CancellationToken);
        await ReceiveAsync(17, TestContext.Current.CancellationToken);
        await SendAsync([12, 0xAA], TestContext.Current.CancellationToken);

        await AssertClosedAsync(TestContext.Current.CancellationToken, withNothingMore: true);
        Assert.Empty(_rejections);
        Assert.Equal("IPC connection from test-peer closed: no answer to the v1 (MD5) challenge within 300 ms; got 2 bytes: 0c aa", Assert.Single(_protocolErrors));
    }

    [Fact(Timeout = 5000)]
    public async Task A_hello_that_never_completes_is_closed_after_the_preamble_timeout_with_what_came()
    {
        StartSession(new IpcAccessCheckOn(Secret), preamble: TimeSpan.FromMilliseconds(300));

        // An old-order client: its first byte alone, waiting for a challenge that only follows a whole hello.
        await SendAsync([0x87], TestContext.Current.CancellationToken);

        await AssertClosedAsync(TestContext.Current.CancellationToken, withNothingMore: true);
        Assert.Equal("IPC connection from test-peer closed: no complete 9-byte hello within 300 ms; got 1 byte: 87", Assert.Single(_protocolErrors));
    }

    /// <summary>Every id NSO's clients use, and the simulator's own control id.</summary>
    public static TheoryData<byte> EveryClientId => [.. Enum.GetValues<IpcClientId>().Select(id => (byte)id)];

    [Theory(Timeout = 5000)]
    [MemberData(nameof(EveryClientId))]
    public async Task Every_client_id_is_rejected_with_a_wrong_secret(byte clientId)
    {
        var id = (IpcClientId)clientId;
        StartSession(new IpcAccessCheckOn(Secret));

        var challenge = await OpenAsync(id, IpcChallengeRequest.V2Sha256, TestContext.Current.CancellationToken);
        await SendAsync([12, .. SHA256.HashData([.. "not the secret"u8.ToArray(), .. challenge])], TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1, TestContext.Current.CancellationToken));
        await AssertClosedAsync(TestContext.Current.CancellationToken, withNothingMore: true);
        Assert.Equal(id, Assert.Single(_rejections).ClientId);
    }

    [Theory(Timeout = 5000)]
    [MemberData(nameof(EveryClientId))]
    public async Task Every_client_id_is_rejected_without_a_secret(byte clientId)
    {
        var id = (IpcClientId)clientId;
        StartSession(new IpcAccessCheckOn(Secret));

        await OpenAsync(id, IpcChallengeRequest.None, TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1, TestContext.Current.CancellationToken));
        await AssertClosedAsync(TestContext.Current.CancellationToken, withNothingMore: true);
        Assert.Equal(id, Assert.Single(_rejections).ClientId);
    }

    [Theory(Timeout = 5000)]
    [MemberData(nameof(EveryClientId))]
    public async Task Every_client_id_that_asks_for_a_challenge_is_rejected_while_the_check_is_off(byte clientId)
    {
        var id = (IpcClientId)clientId;
        StartSession(IpcAccessCheckOff.Instance);

        await OpenAsync(id, IpcChallengeRequest.V1Md5, TestContext.Current.CancellationToken, expectChallenge: false);

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1, TestContext.Current.CancellationToken));
        await AssertClosedAsync(TestContext.Current.CancellationToken, withNothingMore: true);
        Assert.Contains("asked for a v1 (MD5) challenge, but ncs-ipc-access-check is off", Assert.Single(_rejections).Reason, StringComparison.Ordinal);
    }

    private void StartSession(IIpcAccessCheck check, TimeSpan? preamble = null)
    {
        var context = new IpcSessionContext(Daemon, check, new NoControl(), _protocolErrors.Add, _rejections.Add)
        {
            Timeouts = IpcSessionTimeouts.Default with { Preamble = preamble ?? IpcSessionTimeouts.Default.Preamble },
        };
        _session = new IpcSession(_toDaemon.Reader, _fromDaemon.Writer, context, "test-peer").RunAsync(_stop.Token);
    }

    /// <summary>
    /// What a client of <paramref name="id"/> sends before the access check, and what it reads up to
    /// it: the whole hello (library clients), the first byte then the status byte (ncs_cli), or the
    /// first byte alone (NETCONF subsystem). Returns the challenge when one is expected.
    /// </summary>
    private async Task<byte[]> OpenAsync(IpcClientId id, IpcChallengeRequest kind, CancellationToken cancellationToken, bool expectChallenge = true)
    {
        var hello = new IpcHello(id, kind, 82, 0x08020500, 60, 18).Encode();
        await SendAsync(id is IpcClientId.Cli or IpcClientId.NetconfSubsystem ? hello[..1] : hello, cancellationToken);
        if (id == IpcClientId.Cli)
        {
            Assert.Equal(new byte[] { 0 }, await ReceiveAsync(1, cancellationToken));
        }

        if (!expectChallenge || kind == IpcChallengeRequest.None)
        {
            return [];
        }

        var challenge = await ReceiveAsync(1 + IpcAccessChallenge.ChallengeLength(kind), cancellationToken);
        Assert.Equal(IpcAccessChallenge.ChallengeTag, challenge[0]);
        return challenge[1..];
    }

    private static async Task<byte[]> ChallengeFromAsync(IIpcAccessCheck check, CancellationToken cancellationToken)
    {
        var toDaemon = new Pipe();
        var fromDaemon = new Pipe();
        var context = new IpcSessionContext(Daemon, check, new NoControl(), _ => { });
        var session = new IpcSession(toDaemon.Reader, fromDaemon.Writer, context).RunAsync(CancellationToken.None);
        await toDaemon.Writer.WriteAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.V2Sha256, 85, Daemon.PackedVersion).Encode(), cancellationToken);
        var challenge = await fromDaemon.Reader.ReadBytesAsync(33, cancellationToken);
        await toDaemon.Writer.CompleteAsync();
        await session.WaitAsync(cancellationToken);
        return challenge!;
    }

    private Task<IpcHelloReply> ClientAsync(IpcClientId id, IpcChallengeRequest kind, byte[]? secret, CancellationToken cancellationToken) =>
        IpcClientPreamble.RunAsync(
            _fromDaemon.Reader,
            _toDaemon.Writer,
            new IpcHello(id, kind, 85, Daemon.PackedVersion),
            secret,
            cancellationToken);

    private async Task SendAsync(byte[] bytes, CancellationToken cancellationToken) => await _toDaemon.Writer.WriteAsync(bytes, cancellationToken);

    private async Task<byte[]> ReceiveAsync(int count, CancellationToken cancellationToken) =>
        await _fromDaemon.Reader.ReadBytesAsync(count, cancellationToken) ?? throw new EndOfStreamException();

    /// <summary>The session ended; with <paramref name="withNothingMore"/>, it sent nothing after what the test read.</summary>
    private async Task AssertClosedAsync(CancellationToken cancellationToken, bool withNothingMore = false)
    {
        await _session.WaitAsync(cancellationToken);
        var rest = await _fromDaemon.Reader.ReadAsync(cancellationToken);
        Assert.True(rest.IsCompleted);
        if (withNothingMore)
        {
            Assert.True(rest.Buffer.IsEmpty, $"the daemon sent {rest.Buffer.Length} more byte(s) before it closed");
        }

        _fromDaemon.Reader.AdvanceTo(rest.Buffer.End);
    }

    private sealed class NoControl : ISimControl
    {
        public ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken) => ValueTask.FromResult("ok");
    }
}
