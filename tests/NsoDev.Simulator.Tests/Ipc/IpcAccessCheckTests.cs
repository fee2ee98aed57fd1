using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

/// <summary>
/// The access-check challenge (NSO-FACTS section 4) at the protocol level: a daemon session and
/// a client preamble joined by in-memory pipes, no socket.
/// </summary>
public sealed class IpcAccessCheckTests : IAsyncLifetime
{
    private static readonly NsoVersion Daemon = NsoVersion.Parse("6.5");

    /// <summary>The whole file is the secret, trailing newline included.</summary>
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("vTq3-xU9f-secret\n");

    private readonly Pipe _toDaemon = new();
    private readonly Pipe _fromDaemon = new();
    private readonly List<IpcAccessRejection> _rejections = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _session = Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
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

        var reply = await ClientAsync(IpcClientId.Maapi, Enum.Parse<IpcChallengeRequest>(kind), Secret);

        Assert.Equal(IpcHelloStatus.Ok, reply.Status);
        Assert.Empty(_rejections);
    }

    [Fact(Timeout = 5000)]
    public async Task The_exchange_is_first_byte_challenge_answer_granted_then_the_rest_of_the_hello()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync([(byte)IpcClientId.SimControl | 0xC0]);
        var challenge = await ReceiveAsync(1 + 32);
        Assert.Equal(11, challenge[0]);
        await SendAsync([12, .. SHA256.HashData([.. Secret, .. challenge[1..]])]);
        Assert.Equal(new byte[] { 0 }, await ReceiveAsync(1));
        await SendAsync([0x00, 0x55, 0x06, 0x05, 0x00, 0x00, 0x00, 0x00]);

        Assert.Equal(IpcHelloReply.For(Daemon, 85).Encode(), await ReceiveAsync(IpcHelloReply.Length));
    }

    [Fact(Timeout = 5000)]
    public async Task A_v1_challenge_is_16_bytes_answered_with_md5()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync([(byte)IpcClientId.Cdb | 0x80]);
        var challenge = await ReceiveAsync(1 + 16);
#pragma warning disable CA5351 // The v1 protocol is MD5.
        await SendAsync([12, .. MD5.HashData([.. Secret, .. challenge[1..]])]);
#pragma warning restore CA5351

        Assert.Equal(new byte[] { 0 }, await ReceiveAsync(1));
    }

    [Fact(Timeout = 5000)]
    public async Task The_challenge_is_fresh_for_every_connection()
    {
        var check = new IpcAccessCheckOn(Secret);
        var first = await ChallengeFromAsync(check);
        var second = await ChallengeFromAsync(check);

        Assert.NotEqual(first, second);
    }

    [Fact(Timeout = 5000)]
    public async Task A_secret_without_the_files_trailing_newline_is_the_wrong_secret()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        var error = await Assert.ThrowsAsync<IpcAccessRejectedException>(() => ClientAsync(IpcClientId.Maapi, IpcChallengeRequest.V2Sha256, Secret[..^1]));

        Assert.Contains("did not accept the answer", error.Message, StringComparison.Ordinal);
        await AssertClosedAsync();
    }

    [Theory(Timeout = 5000)]
    [InlineData("V1Md5")]
    [InlineData("V2Sha256")]
    public async Task A_wrong_answer_is_rejected_logged_without_the_secret_and_closed(string kind)
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await Assert.ThrowsAsync<IpcAccessRejectedException>(() => ClientAsync(IpcClientId.Maapi, Enum.Parse<IpcChallengeRequest>(kind), "guess"u8.ToArray()));

        await AssertClosedAsync();
        var rejection = Assert.Single(_rejections);
        Assert.Equal(IpcClientId.Maapi, rejection.ClientId);
        Assert.Contains($"answered the {IpcAccessChallenge.Describe(Enum.Parse<IpcChallengeRequest>(kind))} challenge wrongly", rejection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("vTq3", rejection.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_that_asks_for_no_challenge_while_the_check_is_on_sees_a_first_byte_other_than_11()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode());

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1));
        await AssertClosedAsync();
        Assert.Contains("asked for no challenge, but ncs-ipc-access-check is on", Assert.Single(_rejections).Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task The_client_preamble_reports_access_rejected_when_it_has_no_secret_and_the_check_is_on()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        var error = await Assert.ThrowsAsync<IpcAccessRejectedException>(() => ClientAsync(IpcClientId.Maapi, IpcChallengeRequest.None, null));

        Assert.Contains("its ncs-ipc-access-check is on and this client has no NCS_IPC_ACCESS_FILE", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_holding_a_secret_fails_against_a_daemon_whose_check_is_off()
    {
        StartSession(IpcAccessCheckOff.Instance);

        var error = await Assert.ThrowsAsync<IpcAccessRejectedException>(() => ClientAsync(IpcClientId.Maapi, IpcChallengeRequest.V2Sha256, Secret));

        Assert.Contains("sent byte 3 instead of a challenge", error.Message, StringComparison.Ordinal);
        Assert.Contains("ncs-ipc-access-check is off", Assert.Single(_rejections).Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task An_answer_that_does_not_start_with_12_is_rejected()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync([(byte)IpcClientId.Maapi | 0xC0]);
        await ReceiveAsync(33);
        await SendAsync([0x07]);

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1));
        await AssertClosedAsync();
        Assert.Contains("sent byte 7 where the answer", Assert.Single(_rejections).Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_that_leaves_in_the_middle_of_its_answer_ends_quietly()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync([(byte)IpcClientId.Maapi | 0xC0]);
        await ReceiveAsync(33);
        await SendAsync([12, 1, 2, 3]);
        await _toDaemon.Writer.CompleteAsync();

        await AssertClosedAsync();
        Assert.Empty(_rejections);
    }

    /// <summary>Every id NSO's clients use, and the simulator's own control id.</summary>
    public static TheoryData<byte> EveryClientId => [.. Enum.GetValues<IpcClientId>().Select(id => (byte)id)];

    /// <summary>The ids that send the 9-byte library hello (ncs_cli sends its first byte alone).</summary>
    public static TheoryData<byte> EveryLibraryClientId => [.. Enum.GetValues<IpcClientId>().Where(id => id != IpcClientId.Cli).Select(id => (byte)id)];

    [Theory(Timeout = 5000)]
    [MemberData(nameof(EveryClientId))]
    public async Task Every_client_id_is_rejected_with_a_wrong_secret(byte clientId)
    {
        var id = (IpcClientId)clientId;
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync([(byte)((byte)id | 0xC0)]);
        var challenge = await ReceiveAsync(33);
        await SendAsync([12, .. SHA256.HashData([.. "not the secret"u8.ToArray(), .. challenge[1..]])]);

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1));
        await AssertClosedAsync();
        Assert.Equal(id, Assert.Single(_rejections).ClientId);
    }

    [Theory(Timeout = 5000)]
    [MemberData(nameof(EveryLibraryClientId))]
    public async Task Every_client_id_is_rejected_without_a_secret(byte clientId)
    {
        var id = (IpcClientId)clientId;
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync(new IpcHello(id, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode());

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1));
        await AssertClosedAsync();
        Assert.Equal(id, Assert.Single(_rejections).ClientId);
    }

    [Fact(Timeout = 5000)]
    public async Task Ncs_cli_must_pass_the_check_like_any_other_client()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync([(byte)IpcClientId.Cli]);

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1));
        await AssertClosedAsync();
        Assert.Equal(IpcClientId.Cli, Assert.Single(_rejections).ClientId);
    }

    [Fact(Timeout = 5000)]
    public async Task Ncs_cli_with_the_right_secret_is_admitted_and_kept_open()
    {
        StartSession(new IpcAccessCheckOn(Secret));

        await SendAsync([(byte)IpcClientId.Cli | 0xC0]);
        var challenge = await ReceiveAsync(33);
        await SendAsync([12, .. SHA256.HashData([.. Secret, .. challenge[1..]])]);

        Assert.Equal(new byte[] { 0 }, await ReceiveAsync(1));
        Assert.False(_session.IsCompleted);
        Assert.Empty(_rejections);
    }

    private void StartSession(IIpcAccessCheck check)
    {
        var context = new IpcSessionContext(Daemon, check, new NoControl(), _ => { }, _rejections.Add);
        _session = new IpcSession(_toDaemon.Reader, _fromDaemon.Writer, context, "test-peer").RunAsync(_stop.Token);
    }

    private static async Task<byte[]> ChallengeFromAsync(IIpcAccessCheck check)
    {
        var toDaemon = new Pipe();
        var fromDaemon = new Pipe();
        var context = new IpcSessionContext(Daemon, check, new NoControl(), _ => { });
        var session = new IpcSession(toDaemon.Reader, fromDaemon.Writer, context).RunAsync(CancellationToken.None);
        await toDaemon.Writer.WriteAsync(new[] { (byte)((byte)IpcClientId.Maapi | 0xC0) });
        var challenge = await fromDaemon.Reader.ReadBytesAsync(33, CancellationToken.None);
        await toDaemon.Writer.CompleteAsync();
        await session;
        return challenge!;
    }

    private Task<IpcHelloReply> ClientAsync(IpcClientId id, IpcChallengeRequest kind, byte[]? secret) =>
        IpcClientPreamble.RunAsync(
            _fromDaemon.Reader,
            _toDaemon.Writer,
            new IpcHello(id, kind, 85, Daemon.PackedVersion),
            secret,
            CancellationToken.None);

    private async Task SendAsync(byte[] bytes) => await _toDaemon.Writer.WriteAsync(bytes);

    private async Task<byte[]> ReceiveAsync(int count) =>
        await _fromDaemon.Reader.ReadBytesAsync(count, CancellationToken.None) ?? throw new EndOfStreamException();

    private async Task AssertClosedAsync()
    {
        await _session;
        var rest = await _fromDaemon.Reader.ReadAsync();
        Assert.True(rest.IsCompleted);
        _fromDaemon.Reader.AdvanceTo(rest.Buffer.End);
    }

    private sealed class NoControl : ISimControl
    {
        public ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken) => ValueTask.FromResult("ok");
    }
}
