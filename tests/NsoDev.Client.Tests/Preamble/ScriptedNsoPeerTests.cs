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
        await using var peer = ScriptedPeer.Listen(transport);
        var length = useV1 ? 16 : 32;
        var script = peer.RunAsync(
            async connection =>
            {
                // One read, one write's worth: all 9 bytes, before any challenge.
                var hello = await connection.ReadOnceAsync(cancellationToken);
                // Protocol 85 and the library version of ConfD 8.5, the one NSO 6.5 embeds (NSO-NOTES §4).
                Assert.Equal(new byte[] { (byte)(0x07 | (useV1 ? 0x80 : 0xC0)), 0x00, 0x55, 0x08, 0x05, 0x00, 0x00, 0x00, 0x00 }, hello);
                var challenge = RandomNumberGenerator.GetBytes(length);
                await connection.SendAsync([0x0b, .. challenge], cancellationToken);
                var answer = await connection.ReceiveAsync(1 + length, cancellationToken);
                Assert.Equal(0x0c, answer[0]);
                Assert.Equal(Hash(useV1, [.. Secret, .. challenge]), answer[1..]);
                await connection.SendAsync([0x00, .. Reply], cancellationToken);
            },
            cancellationToken);

        using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(peer.Endpoint, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = Secret, UseV1 = useV1 }, cancellationToken);

        await script;
        Assert.True(socket.Connected);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_client_without_a_secret_asks_for_no_challenge_and_reads_the_reply_right_after_its_hello(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var peer = ScriptedPeer.Listen(transport);
        var script = peer.RunAsync(
            async connection =>
            {
                Assert.Equal(new byte[] { 0x05, 0x00, 0x52, 0x08, 0x02, 0x05, 0x00, 0x00, 0x00 }, await connection.ReceiveAsync(9, cancellationToken));
                await connection.SendAsync(Reply, cancellationToken);
            },
            cancellationToken);

        using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(peer.Endpoint, NsoClientType.Cdb, new NsoRelease(6, 2)) { LibraryVersion = 0x08020500 }, cancellationToken);

        await script;
        Assert.True(socket.Connected);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_wrong_answer_gets_03_and_a_close_and_is_reported_as_access_rejected(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var peer = ScriptedPeer.Listen(transport);
        var script = peer.RunAsync(
            async connection =>
            {
                await connection.ReceiveAsync(9, cancellationToken);
                var challenge = RandomNumberGenerator.GetBytes(32);
                await connection.SendAsync([0x0b, .. challenge], cancellationToken);
                var answer = await connection.ReceiveAsync(33, cancellationToken);
                Assert.NotEqual(Hash(false, [.. Secret, .. challenge]), answer[1..]);
                await connection.SendAsync([0x03], cancellationToken);
            },
            cancellationToken);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(new IpcConnectOptions(peer.Endpoint, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = [.. "not-the-secret\n"u8] }, cancellationToken));

        await script;
        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        Assert.Equal($"Access Rejected: {peer.Endpoint} refused the answer to its challenge. NCS_IPC_ACCESS_FILE must name the daemon's own secret file.", error.Message);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_client_that_strips_the_files_trailing_newline_is_refused(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var peer = ScriptedPeer.Listen(transport);
        var script = peer.RunAsync(
            async connection =>
            {
                await connection.ReceiveAsync(9, cancellationToken);
                var challenge = RandomNumberGenerator.GetBytes(16);
                await connection.SendAsync([0x0b, .. challenge], cancellationToken);
                var answer = await connection.ReceiveAsync(17, cancellationToken);
                var right = answer.AsSpan(1).SequenceEqual(Hash(true, [.. Secret, .. challenge]));
                await connection.SendAsync(right ? [0x00, .. Reply] : [0x03], cancellationToken);
            },
            cancellationToken);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(new IpcConnectOptions(peer.Endpoint, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = Secret[..^1], UseV1 = true }, cancellationToken));

        await script;
        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_close_without_a_verdict_is_reported_as_access_rejected(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var peer = ScriptedPeer.Listen(transport);
        var script = peer.RunAsync(
            async connection =>
            {
                await connection.ReceiveAsync(9, cancellationToken);
                await connection.SendAsync([0x0b, .. RandomNumberGenerator.GetBytes(32)], cancellationToken);
                await connection.ReceiveAsync(33, cancellationToken);
            },
            cancellationToken);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(new IpcConnectOptions(peer.Endpoint, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = Secret }, cancellationToken));

        await script;
        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        Assert.Equal($"Access Rejected: {peer.Endpoint} closed the connection without a verdict on the answer to its challenge.", error.Message);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_client_without_a_secret_refused_by_a_daemon_whose_check_is_on_reports_the_rejection_byte(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var peer = ScriptedPeer.Listen(transport);
        var script = peer.RunAsync(
            async connection =>
            {
                Assert.Equal(0x07, (await connection.ReceiveAsync(9, cancellationToken))[0]);
                await connection.SendAsync([0x03], cancellationToken);
            },
            cancellationToken);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(new IpcConnectOptions(peer.Endpoint, NsoClientType.Maapi, new NsoRelease(6, 5)), cancellationToken));

        await script;
        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        Assert.Equal($"Access Rejected by {peer.Endpoint} (status 3): the daemon's access check is on. Set NCS_IPC_ACCESS_FILE to its secret file.", error.Message);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Transports))]
    public async Task A_client_with_a_secret_refused_by_a_daemon_whose_check_is_off_is_told_to_unset_the_access_file(string transport)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var peer = ScriptedPeer.Listen(transport);
        var script = peer.RunAsync(
            async connection =>
            {
                Assert.Equal(0xC7, (await connection.ReceiveAsync(9, cancellationToken))[0]);
                await connection.SendAsync([0x03], cancellationToken);
            },
            cancellationToken);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(new IpcConnectOptions(peer.Endpoint, NsoClientType.Maapi, new NsoRelease(6, 5)) { Secret = Secret }, cancellationToken));

        await script;
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
        await using var peer = ScriptedPeer.Listen("tcp");
        var script = peer.RunAsync(
            async connection =>
            {
                await connection.ReceiveAsync(9, cancellationToken);
                var challenge = RandomNumberGenerator.GetBytes(16);
                await connection.SendAsync([0x0b, .. challenge], cancellationToken);
                Assert.Equal(Hash(true, [.. used, .. challenge]), (await connection.ReceiveAsync(17, cancellationToken))[1..]);
                await connection.SendAsync([0x00, .. Reply], cancellationToken);
            },
            cancellationToken);

        using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(peer.Endpoint, NsoClientType.Cdb, new NsoRelease(6, 2)) { Secret = file, UseV1 = true, LibraryVersion = 0x08020500 }, cancellationToken);

        await script;
    }

    private static byte[] Hash(bool md5, byte[] material) =>
#pragma warning disable CA5351 // v1 is MD5.
        md5 ? MD5.HashData(material) : SHA256.HashData(material);
#pragma warning restore CA5351
}
