using System.Net.Sockets;
using System.Security.Cryptography;
using NsoDev.Ipc;

namespace NsoDev.Client.Tests.Preamble;

/// <summary>
/// <see cref="IpcPreamble"/> against a peer scripted in this test straight from docs/NSO-NOTES.md §4,
/// over TCP and a Unix socket: it reads exactly the 9-byte hello and checks it, challenges only when
/// asked, checks the hash, and sends the verdict and the reply, or refuses as NSO does. nso-sim is not
/// involved, so a misreading shared by nso-sim and this client cannot pass.
/// </summary>
public sealed class ScriptedNsoPeerTests
{
    /// <summary>The access file of the recorded traces, trailing newline included.</summary>
    private static readonly byte[] Secret = "sekrit-abc123\n"u8.ToArray();

    /// <summary>An NSO 6.5 reply: status 0, protocol 85, 6.5.0.0, max depth 20, max key length 9.</summary>
    private static readonly byte[] Reply = [0x00, 0x00, 0x55, 0x06, 0x05, 0x00, 0x00, 0x14, 0x09];

    public static TheoryData<string> Transports => ["tcp", "local"];

    [Theory(Timeout = 30_000)]
    [InlineData("tcp", false)]
    [InlineData("local", false)]
    [InlineData("tcp", true)]
    [InlineData("local", true)]
    public async Task The_client_sends_its_whole_hello_in_one_write_then_answers_the_challenge_and_gets_in(string transport, bool useV1)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var socket = await ConnectAsync(
            transport,
            async nso =>
            {
                // One read, one write's worth: all 9 bytes, before any challenge.
                var hello = await nso.ReadOnceAsync(cancellationToken);
                // Protocol 85 and the library version of ConfD 8.5, the one NSO 6.5 embeds (NSO-NOTES §4).
                Assert.Equal(new byte[] { (byte)(0x07 | (useV1 ? 0x80 : 0xC0)), 0x00, 0x55, 0x08, 0x05, 0x00, 0x00, 0x00, 0x00 }, hello);
                var (challenge, answer) = await nso.ChallengeAsync(useV1 ? 16 : 32, cancellationToken);
                Assert.Equal(0x0c, answer[0]);
                Assert.Equal(Hash(useV1, [.. Secret, .. challenge]), answer[1..]);
                await nso.SendAsync([0x00, .. Reply], cancellationToken);
            },
            peer => new IpcConnectOptions(peer, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = Secret, UseV1 = useV1 },
            cancellationToken);

        Assert.True(socket.Connected);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_client_without_a_secret_asks_for_no_challenge_and_reads_the_reply_right_after_its_hello(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var socket = await ConnectAsync(
            transport,
            async nso =>
            {
                Assert.Equal(new byte[] { 0x05, 0x00, 0x52, 0x08, 0x02, 0x05, 0x00, 0x00, 0x00 }, await nso.ReceiveAsync(9, cancellationToken));
                await nso.SendAsync(Reply, cancellationToken);
            },
            peer => new IpcConnectOptions(peer, NsoClientType.Cdb, new NsoRelease(6, 2)) { LibraryVersion = 0x08020500 },
            cancellationToken);

        Assert.True(socket.Connected);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_wrong_answer_gets_03_and_a_close_and_is_reported_as_access_rejected(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (error, endpoint) = await RefusedAsync(
            transport,
            async nso =>
            {
                await nso.ReceiveAsync(9, cancellationToken);
                var (challenge, answer) = await nso.ChallengeAsync(32, cancellationToken);
                Assert.NotEqual(Hash(false, [.. Secret, .. challenge]), answer[1..]);
                await nso.SendAsync([0x03], cancellationToken);
            },
            peer => new IpcConnectOptions(peer, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = [.. "not-the-secret\n"u8] },
            cancellationToken);

        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        Assert.Equal($"Access Rejected: {endpoint} refused the answer to its challenge. This client's secret file (NCS_IPC_ACCESS_FILE, or AccessFile= in its connection string) must be the daemon's own.", error.Message);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_client_that_strips_the_files_trailing_newline_is_refused(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (error, _) = await RefusedAsync(
            transport,
            async nso =>
            {
                await nso.ReceiveAsync(9, cancellationToken);
                var (challenge, answer) = await nso.ChallengeAsync(16, cancellationToken);
                var right = answer.AsSpan(1).SequenceEqual(Hash(true, [.. Secret, .. challenge]));
                await nso.SendAsync(right ? [0x00, .. Reply] : [0x03], cancellationToken);
            },
            peer => new IpcConnectOptions(peer, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = Secret[..^1], UseV1 = true },
            cancellationToken);

        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_close_without_a_verdict_is_reported_as_access_rejected(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (error, endpoint) = await RefusedAsync(
            transport,
            async nso =>
            {
                await nso.ReceiveAsync(9, cancellationToken);
                await nso.ChallengeAsync(32, cancellationToken);
            },
            peer => new IpcConnectOptions(peer, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = Secret },
            cancellationToken);

        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        Assert.Equal($"Access Rejected: {endpoint} closed the connection without a verdict on the answer to its challenge.", error.Message);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_client_without_a_secret_refused_by_a_daemon_whose_check_is_on_reports_the_rejection_byte(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (error, endpoint) = await RefusedAsync(transport, RejectsTheHello(0x07, cancellationToken), peer => new IpcConnectOptions(peer, NsoClientType.Maapi, new NsoRelease(6, 5)), cancellationToken);

        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        Assert.Equal($"Access Rejected by {endpoint} (status 3): the daemon's access check is on. Give this client the daemon's secret file (NCS_IPC_ACCESS_FILE, or AccessFile= in its connection string).", error.Message);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_client_with_a_secret_refused_by_a_daemon_whose_check_is_off_is_told_to_unset_the_access_file(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (error, _) = await RefusedAsync(transport, RejectsTheHello(0xC7, cancellationToken), peer => new IpcConnectOptions(peer, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = Secret }, cancellationToken);

        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        Assert.Contains("access check is off while this client has a secret", error.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(1007, false)]
    [InlineData(2000, false)]
    [InlineData(40, true)]
    public async Task An_md5_client_reads_the_access_file_as_the_c_library_does_at_most_1007_bytes_up_to_a_nul(int fileLength, bool nulAt20)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var file = RandomNumberGenerator.GetBytes(fileLength).Select(b => (byte)('a' + (b % 26))).ToArray();
        if (nulAt20)
        {
            file[20] = 0;
        }

        var used = nulAt20 ? file[..20] : file[..Math.Min(fileLength, 1007)];
        using var socket = await ConnectAsync(
            "tcp",
            async nso =>
            {
                await nso.ReceiveAsync(9, cancellationToken);
                var (challenge, answer) = await nso.ChallengeAsync(16, cancellationToken);
                Assert.Equal(Hash(true, [.. used, .. challenge]), answer[1..]);
                await nso.SendAsync([0x00, .. Reply], cancellationToken);
            },
            peer => new IpcConnectOptions(peer, NsoClientType.Cdb, new NsoRelease(6, 2)) { Secret = file, UseV1 = true, LibraryVersion = 0x08020500 },
            cancellationToken);
    }

    /// <summary>
    /// A peer of <paramref name="transport"/> plays NSO's side by <paramref name="nso"/> while the client
    /// connects with the options <paramref name="client"/> makes for the peer's endpoint. The socket, once
    /// the script has played to its end too: an assertion that failed in it fails the test.
    /// </summary>
    private static async Task<Socket> ConnectAsync(string transport, Func<Connection, Task> nso, Func<NsoIpcEndpoint, IpcConnectOptions> client, CancellationToken cancellationToken) =>
        (await PlayAsync(transport, nso, endpoint => IpcPreamble.ConnectAsync(client(endpoint), cancellationToken), cancellationToken)).Result;

    /// <summary>As <see cref="ConnectAsync"/>, for a client that must fail: its error, and the peer's endpoint that the message names.</summary>
    private static async Task<(IpcPreambleException Error, NsoIpcEndpoint Endpoint)> RefusedAsync(string transport, Func<Connection, Task> nso, Func<NsoIpcEndpoint, IpcConnectOptions> client, CancellationToken cancellationToken) =>
        await PlayAsync(transport, nso, endpoint => Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(client(endpoint), cancellationToken)), cancellationToken);

    private static async Task<(T Result, NsoIpcEndpoint Endpoint)> PlayAsync<T>(string transport, Func<Connection, Task> nso, Func<NsoIpcEndpoint, Task<T>> client, CancellationToken cancellationToken)
    {
        await using var peer = ScriptedPeer.Listen(transport);
        var script = peer.RunAsync(nso, cancellationToken);
        var result = await client(peer.Endpoint);
        await script;
        return (result, peer.Endpoint);
    }

    /// <summary>
    /// NSO refusing a hello at once with 03, as a daemon does whose check is on to a client without a
    /// secret, or off to one with: the hello's first byte, <paramref name="clientId"/>, says which it asked.
    /// </summary>
    private static Func<Connection, Task> RejectsTheHello(byte clientId, CancellationToken cancellationToken) => async nso =>
    {
        Assert.Equal(clientId, (await nso.ReceiveAsync(9, cancellationToken))[0]);
        await nso.SendAsync([0x03], cancellationToken);
    };

    private static byte[] Hash(bool md5, byte[] material) =>
#pragma warning disable CA5351 // v1 is MD5.
        md5 ? MD5.HashData(material) : SHA256.HashData(material);
#pragma warning restore CA5351
}
