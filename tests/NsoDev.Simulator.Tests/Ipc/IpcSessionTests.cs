using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

/// <summary>The daemon side of IPC, driven over in-memory pipes: no socket.</summary>
public sealed class IpcSessionTests : IAsyncLifetime
{
    private static readonly NsoVersion Daemon = NsoVersion.Parse("6.5");

    private readonly Pipe _toDaemon = new();
    private readonly Pipe _fromDaemon = new();
    private readonly List<string> _protocolErrors = [];
    private readonly List<IpcAccessRejection> _rejections = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _session;

    public IpcSessionTests()
    {
        var context = new IpcSessionContext(Daemon, IpcAccessCheckOff.Instance, new EchoControl(), _protocolErrors.Add, _rejections.Add);
        _session = new IpcSession(_toDaemon.Reader, _fromDaemon.Writer, context).RunAsync(_stop.Token);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _session.WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    [Fact(Timeout = 5000)]
    public async Task A_control_client_gets_the_hello_reply_then_a_text_reply_per_request()
    {
        await SendAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode());

        Assert.Equal(IpcHelloReply.For(Daemon, 85).Encode(), await ReceiveAsync(IpcHelloReply.Length));

        await SendAsync(Frame("status"));
        Assert.Equal("echo: status", Encoding.UTF8.GetString((await _fromDaemon.Reader.ReadFrameAsync(CancellationToken.None))!));
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_newer_than_the_daemon_is_told_incompatible_and_closed()
    {
        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 87, 0x06070000).Encode());

        var reply = IpcHelloReply.Decode(await ReceiveAsync(IpcHelloReply.Length));

        Assert.Equal(IpcHelloStatus.ProtocolVersionIncompatible, reply.Status);
        Assert.Equal(85, reply.ProtocolVersion);
        await AssertClosedAsync();
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_asking_for_a_challenge_gets_one_rejection_byte_and_is_closed_while_the_check_is_off()
    {
        await SendAsync([(byte)IpcClientId.Maapi | 0x80]);

        Assert.Equal(new byte[] { IpcAccessChallenge.Rejected }, await ReceiveAsync(1));
        await AssertClosedAsync();
        Assert.Contains("asked for a v1 (MD5) challenge, but ncs-ipc-access-check is off", Assert.Single(_rejections).Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_control_request_longer_than_any_control_word_closes_the_connection()
    {
        await SendAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode());
        await ReceiveAsync(IpcHelloReply.Length);

        await SendAsync([0x00, 0x00, 0x10, 0x01]);

        await AssertClosedAsync();
        Assert.Contains("4097 bytes is over the 4096-byte limit", Assert.Single(_protocolErrors), StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_maapi_frame_is_skipped_as_it_streams_in_without_being_held_whole()
    {
        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode());
        await ReceiveAsync(IpcHelloReply.Length);

        // A 1 MiB frame in 64 KiB pieces. The pipe stops the writer once 64 KiB lie unread, so
        // a session that held the frame whole would never let this loop finish.
        await SendAsync([0x00, 0x10, 0x00, 0x00]);
        for (var i = 0; i < 16; i++)
        {
            await SendAsync(new byte[64 * 1024]);
        }

        await SendAsync(Frame("next"));
        await _toDaemon.Writer.CompleteAsync();
        await _session;
        Assert.Empty(_protocolErrors);
    }

    [Fact(Timeout = 5000)]
    public async Task A_maapi_client_is_kept_open_and_its_frames_are_dropped_until_it_closes()
    {
        await SendAsync(new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode());
        await ReceiveAsync(IpcHelloReply.Length);

        await SendAsync(Frame("an Erlang term"));
        await Task.Delay(50);
        Assert.False(_session.IsCompleted);

        await _toDaemon.Writer.CompleteAsync();
        await _session;
        Assert.Empty(_protocolErrors);
    }

    [Fact(Timeout = 5000)]
    public async Task An_absurd_frame_length_closes_the_connection_and_is_reported()
    {
        await SendAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode());
        await ReceiveAsync(IpcHelloReply.Length);

        await SendAsync([0xFF, 0xFF, 0xFF, 0xFF]);

        await AssertClosedAsync();
        Assert.Contains("4294967295 bytes", Assert.Single(_protocolErrors), StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_that_closes_in_the_middle_of_the_hello_ends_the_session_quietly()
    {
        await SendAsync([(byte)IpcClientId.Cdb, 0x00]);
        await _toDaemon.Writer.CompleteAsync();

        await AssertClosedAsync();
        Assert.Empty(_protocolErrors);
    }

    [Fact(Timeout = 5000)]
    public async Task A_hello_split_across_writes_is_still_answered()
    {
        var hello = new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode();

        await SendAsync(hello[..1]);
        await SendAsync(hello[1..4]);
        await SendAsync(hello[4..]);

        Assert.Equal(IpcHelloStatus.Ok, IpcHelloReply.Decode(await ReceiveAsync(IpcHelloReply.Length)).Status);
    }

    private static byte[] Frame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }

    private async Task SendAsync(byte[] bytes) => await _toDaemon.Writer.WriteAsync(bytes);

    private async Task<byte[]> ReceiveAsync(int count) =>
        await _fromDaemon.Reader.ReadBytesAsync(count, CancellationToken.None) ?? throw new EndOfStreamException();

    private async Task AssertClosedAsync()
    {
        await _session;
        var rest = await _fromDaemon.Reader.ReadAsync();
        Assert.True(rest.IsCompleted);
        Assert.True(rest.Buffer.IsEmpty);
    }

    private sealed class EchoControl : ISimControl
    {
        public ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken) => ValueTask.FromResult("echo: " + request);
    }
}
