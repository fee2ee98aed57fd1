using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

/// <summary>
/// nso-sim's own client preamble (what <c>--status</c>, <c>--stop</c> and <c>--wait-started</c> run)
/// against a peer scripted in this test straight from docs/NSO-NOTES.md §4, not against nso-sim's
/// daemon side: a misreading the two sides share cannot pass here.
/// </summary>
public sealed class IpcClientPreambleTests
{
    private static readonly byte[] Secret = "sekrit-abc123\n"u8.ToArray();
    private static readonly byte[] Reply = [0x00, 0x00, 0x55, 0x06, 0x05, 0x00, 0x00, 0x14, 0x09];

    [Theory(Timeout = 5000)]
    [InlineData("V1Md5", 0x80, 16)]
    [InlineData("V2Sha256", 0xC0, 32)]
    public async Task The_client_sends_its_whole_hello_before_any_challenge_and_answers_with_the_hash_of_the_file_and_the_challenge(string kind, byte flag, int length)
    {
        await using var peer = new ScriptedPeer(TestContext.Current.CancellationToken);
        var client = peer.RunClientAsync(new IpcHello(IpcClientId.SimControl, Enum.Parse<IpcChallengeRequest>(kind), 85, 0x06050000), Secret);

        Assert.Equal(new byte[] { (byte)(0x29 | flag), 0x00, 0x55, 0x06, 0x05, 0x00, 0x00, 0x00, 0x00 }, await peer.ReceiveAsync(9));
        var challenge = RandomNumberGenerator.GetBytes(length);
        await peer.SendAsync([0x0b, .. challenge]);
        var answer = await peer.ReceiveAsync(1 + length);
        Assert.Equal(0x0c, answer[0]);
        Assert.Equal(Hash(length, [.. Secret, .. challenge]), answer[1..]);
        await peer.SendAsync([0x00, .. Reply]);

        Assert.Equal(IpcHelloReply.Decode(Reply), await client);
    }

    [Fact(Timeout = 5000)]
    public async Task The_hello_arrives_in_one_write()
    {
        await using var peer = new ScriptedPeer(TestContext.Current.CancellationToken);
        _ = peer.RunClientAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.V2Sha256, 85, 0x06050000), Secret);

        var first = await peer.ReadOnceAsync();

        Assert.Equal(9, first.Length);
    }

    [Fact(Timeout = 5000)]
    public async Task A_client_without_a_secret_reads_the_reply_right_after_its_hello()
    {
        await using var peer = new ScriptedPeer(TestContext.Current.CancellationToken);
        var client = peer.RunClientAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, 0x06050000), default);

        Assert.Equal(0x29, (await peer.ReceiveAsync(9))[0]);
        await peer.SendAsync(Reply);

        Assert.Equal(IpcHelloStatus.Ok, (await client).Status);
    }

    [Fact(Timeout = 5000)]
    public async Task A_verdict_of_3_is_reported_as_access_rejected()
    {
        await using var peer = new ScriptedPeer(TestContext.Current.CancellationToken);
        var client = peer.RunClientAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.V2Sha256, 85, 0x06050000), Secret);

        await peer.ReceiveAsync(9);
        await peer.SendAsync([0x0b, .. new byte[32]]);
        await peer.ReceiveAsync(33);
        await peer.SendAsync([0x03]);
        peer.Close();

        var error = await Assert.ThrowsAsync<IpcAccessRejectedException>(() => client);
        Assert.Contains("did not accept the answer to its challenge", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_close_without_a_verdict_is_reported_as_access_rejected()
    {
        await using var peer = new ScriptedPeer(TestContext.Current.CancellationToken);
        var client = peer.RunClientAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.V1Md5, 85, 0x06050000), Secret);

        await peer.ReceiveAsync(9);
        await peer.SendAsync([0x0b, .. new byte[16]]);
        await peer.ReceiveAsync(17);
        peer.Close();

        var error = await Assert.ThrowsAsync<IpcAccessRejectedException>(() => client);
        Assert.Contains("closed the connection without a verdict", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_rejection_instead_of_a_challenge_says_the_daemons_check_is_off()
    {
        await using var peer = new ScriptedPeer(TestContext.Current.CancellationToken);
        var client = peer.RunClientAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.V2Sha256, 85, 0x06050000), Secret);

        await peer.ReceiveAsync(9);
        await peer.SendAsync([0x03]);
        peer.Close();

        var error = await Assert.ThrowsAsync<IpcAccessRejectedException>(() => client);
        Assert.Contains("sent byte 3 instead of a challenge: its ncs-ipc-access-check is off", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 5000)]
    public async Task A_rejection_instead_of_the_reply_says_the_daemons_check_is_on()
    {
        await using var peer = new ScriptedPeer(TestContext.Current.CancellationToken);
        var client = peer.RunClientAsync(new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, 0x06050000), default);

        await peer.ReceiveAsync(9);
        await peer.SendAsync([0x03]);
        peer.Close();

        var error = await Assert.ThrowsAsync<IpcAccessRejectedException>(() => client);
        Assert.Contains("its ncs-ipc-access-check is on and this client has no NCS_IPC_ACCESS_FILE", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Hash(int length, byte[] material) =>
#pragma warning disable CA5351 // v1 is MD5.
        length == 16 ? MD5.HashData(material) : SHA256.HashData(material);
#pragma warning restore CA5351

    /// <summary>The daemon's end of a pipe pair, played by the test; its reads, its writes and the client end when <paramref name="cancellationToken"/> is cancelled.</summary>
    private sealed class ScriptedPeer(CancellationToken cancellationToken) : IAsyncDisposable
    {
        private readonly Pipe _toPeer = new();
        private readonly Pipe _toClient = new();

        public Task<IpcHelloReply> RunClientAsync(IpcHello hello, ReadOnlyMemory<byte> secret) =>
            IpcClientPreamble.RunAsync(_toClient.Reader, _toPeer.Writer, hello, secret, cancellationToken);

        /// <summary>Exactly <paramref name="count"/> bytes, no more.</summary>
        public async Task<byte[]> ReceiveAsync(int count) =>
            await _toPeer.Reader.ReadBytesAsync(count, cancellationToken) ?? throw new EndOfStreamException();

        /// <summary>Whatever the first read brings: one write's worth.</summary>
        public async Task<byte[]> ReadOnceAsync()
        {
            var result = await _toPeer.Reader.ReadAsync(cancellationToken);
            var bytes = result.Buffer.ToArray();
            _toPeer.Reader.AdvanceTo(result.Buffer.End);
            return bytes;
        }

        public async Task SendAsync(byte[] bytes) => await _toClient.Writer.WriteAsync(bytes, cancellationToken);

        public void Close() => _toClient.Writer.Complete();

        public async ValueTask DisposeAsync()
        {
            await _toClient.Writer.CompleteAsync();
            await _toPeer.Reader.CompleteAsync();
        }
    }
}
