using System.Net.Sockets;
using System.Security.Cryptography;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

/// <summary>
/// The traces of docs/NSO-NOTES.md §4, recorded from NSO 6.2.5's own clients (<c>ncs_cmd</c>,
/// <c>ncs_cli</c>, the C and Java libraries), replayed byte for byte against nso-sim's daemon side
/// over pipes, TCP and a Unix socket. The access file of the recording held <c>sekrit-abc123\n</c>.
/// </summary>
public sealed class IpcWireTraceTests
{
    /// <summary>The recorded access file, trailing newline included.</summary>
    private static readonly byte[] Secret = "sekrit-abc123\n"u8.ToArray();

    /// <summary>nso-sim's reply as 6.5: status 0, protocol 85, the embedded ConfD 8.5.0, its limits 20 and 9.</summary>
    private const string Reply65 = "00 0055 08050000 14 09";

    private static readonly TimeSpan WellWithinASecond = TimeSpan.FromSeconds(1);

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(IpcDaemonEnd.Transports), MemberType = typeof(IpcDaemonEnd))]
    public async Task Ncs_cmd_without_a_secret_is_admitted_then_closed_within_a_second_with_a_log_line(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, IpcAccessCheckOff.Instance);
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("05 0052 08020500 3c 12", TestContext.Current.CancellationToken);

        Assert.Equal(RawIpc.Hex(Reply65), await client.ReceiveAsync(9, TestContext.Current.CancellationToken));
        var (rest, _) = await client.ReadToCloseAsync(WellWithinASecond, TestContext.Current.CancellationToken);
        Assert.Empty(rest);
        Assert.StartsWith("WARNING CDB client (id 5) from ", await daemon.LogLineAsync("CDB client (id 5)", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    /// <summary>
    /// What 6.2.5's <c>ncs_cmd -c get_phase</c> sent after the reply, recorded: three length-prefixed
    /// requests, the first naming the program (<c>\0\0\0\0ncs_cmd</c>). Against NSO they would be answered.
    /// </summary>
    private const string NcsCmdGetPhaseRequests =
        "0000000b 00000000 6e63735f636d64 0000000a 00000013 353636362f33 00000004 00000041";

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(IpcDaemonEnd.Transports), MemberType = typeof(IpcDaemonEnd))]
    public async Task Ncs_cmd_get_phase_is_closed_on_its_recorded_first_requests_with_a_warning_that_it_sent_a_request(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, IpcAccessCheckOff.Instance);
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        // In one write with the hello, so that a loaded machine cannot let the 500 ms grace for a
        // silent client end first; ncs_cmd itself sends them once it has read the reply.
        await client.SendAsync("05 0052 08020500 3c 12 " + NcsCmdGetPhaseRequests, TestContext.Current.CancellationToken);
        Assert.Equal(RawIpc.Hex(Reply65), await client.ReceiveAsync(9, TestContext.Current.CancellationToken));

        var (rest, _) = await client.ReadToCloseAsync(WellWithinASecond, TestContext.Current.CancellationToken);
        Assert.Empty(rest);
        Assert.Contains("CDB client (id 5) from ", await daemon.LogLineAsync("sent a request", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(IpcDaemonEnd.Transports), MemberType = typeof(IpcDaemonEnd))]
    public async Task Ncs_cmd_with_the_secret_sends_its_whole_hello_then_answers_the_md5_challenge_and_gets_verdict_0_and_the_reply(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, new IpcAccessCheckOn(Secret));
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("85 0052 08020500 3c 12", TestContext.Current.CancellationToken);
        var challenge = await ChallengeAsync(client, 16, TestContext.Current.CancellationToken);
        await client.SendAsync([0x0c, .. Md5([.. Secret, .. challenge])], TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { 0x00 }, await client.ReceiveAsync(1, TestContext.Current.CancellationToken));
        Assert.Equal(RawIpc.Hex(Reply65), await client.ReceiveAsync(9, TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(IpcDaemonEnd.Transports), MemberType = typeof(IpcDaemonEnd))]
    public async Task Maapi_from_the_c_library_asks_for_md5_and_is_admitted(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, new IpcAccessCheckOn(Secret));
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("87 0052 08020500 3c 12", TestContext.Current.CancellationToken);
        var challenge = await ChallengeAsync(client, 16, TestContext.Current.CancellationToken);
        await client.SendAsync([0x0c, .. Md5([.. Secret, .. challenge])], TestContext.Current.CancellationToken);

        Assert.Equal(RawIpc.Hex("00" + Reply65), await client.ReceiveAsync(10, TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(IpcDaemonEnd.Transports), MemberType = typeof(IpcDaemonEnd))]
    public async Task Maapi_from_the_java_library_asks_for_sha256_and_is_admitted(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, new IpcAccessCheckOn(Secret));
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("c7 0052 08020500 00 00", TestContext.Current.CancellationToken);
        var challenge = await ChallengeAsync(client, 32, TestContext.Current.CancellationToken);
        await client.SendAsync([0x0c, .. SHA256.HashData([.. Secret, .. challenge])], TestContext.Current.CancellationToken);

        Assert.Equal(RawIpc.Hex("00" + Reply65), await client.ReceiveAsync(10, TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("pipe", "87 0052 08020500 3c 12", 16)]
    [InlineData("tcp", "87 0052 08020500 3c 12", 16)]
    [InlineData("local", "c7 0052 08020500 00 00", 32)]
    [InlineData("tcp", "c7 0052 08020500 00 00", 32)]
    public async Task A_wrong_answer_to_the_recorded_maapi_hellos_gets_03_and_a_close(string transport, string hello, int challengeLength)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, new IpcAccessCheckOn(Secret));
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync(hello, TestContext.Current.CancellationToken);
        var challenge = await ChallengeAsync(client, challengeLength, TestContext.Current.CancellationToken);
        byte[] wrong = [.. "sekrit-abc123"u8, .. challenge];
        await client.SendAsync([0x0c, .. challengeLength == 16 ? Md5(wrong) : SHA256.HashData(wrong)], TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { 0x03 }, await client.ReceiveAsync(1, TestContext.Current.CancellationToken));
        var (rest, _) = await client.ReadToCloseAsync(WellWithinASecond, TestContext.Current.CancellationToken);
        Assert.Empty(rest);
        Assert.Contains("challenge wrongly", await daemon.LogLineAsync("IPC access check rejected client id 7 (Maapi)", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(IpcDaemonEnd.Transports), MemberType = typeof(IpcDaemonEnd))]
    public async Task Ncs_cli_sends_84_alone_gets_a_status_byte_then_the_md5_challenge_and_is_closed_with_a_warning_naming_the_cli_ssh_port(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, new IpcAccessCheckOn(Secret));
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("84", TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 0x00 }, await client.ReceiveAsync(1, TestContext.Current.CancellationToken));
        var challenge = await ChallengeAsync(client, 16, TestContext.Current.CancellationToken);
        await client.SendAsync([0x0c, .. Md5([.. Secret, .. challenge])], TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 0x00 }, await client.ReceiveAsync(1, TestContext.Current.CancellationToken));

        var (rest, _) = await client.ReadToCloseAsync(WellWithinASecond, TestContext.Current.CancellationToken);
        Assert.Empty(rest);
        var warning = await daemon.LogLineAsync("ncs_cli (id 4)", TestContext.Current.CancellationToken);
        Assert.StartsWith("WARNING ncs_cli (id 4) from ", warning, StringComparison.Ordinal);
        Assert.EndsWith($"nso-sim does not simulate the CLI over IPC, so it closed the connection after the access check. Use the CLI over SSH on port {IpcDaemonEnd.CliSshPort}", warning, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("tcp")]
    [InlineData("local")]
    public async Task Ncs_cli_writes_its_recorded_header_after_the_status_byte_and_then_sees_a_clean_close_not_a_reset(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, IpcAccessCheckOff.Instance);
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("04", TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 0x00 }, await client.ReceiveAsync(1, TestContext.Current.CancellationToken));

        // The header 6.2.5's `ncs_cli -u admin` wrote next, recorded. A daemon that closed before
        // taking it would answer it with a reset (a real ncs_cli dies of SIGPIPE); one that takes it
        // and then closes gives the end of stream, which ncs_cli reports.
        await client.SendAsync([.. "1.2;admin;127.0.0.1;console;;HOST=;;/tmp/nso625;xterm;;unset;"u8, .. new byte[30], 0x50, .. new byte[6], 0x18, .. new byte[32]], TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var read = await client.ReadAsync(new byte[16], timeout.Token);

        Assert.Equal(0, read);
        Assert.Contains("Use the CLI over SSH on port", await daemon.LogLineAsync("ncs_cli (id 4)", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("pipe")]
    [InlineData("tcp")]
    public async Task Ncs_cli_without_an_access_file_sends_04_alone_and_is_told_to_go_on_then_closed(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, IpcAccessCheckOff.Instance, cliSsh: false);
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("04", TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { 0x00 }, await client.ReceiveAsync(1, TestContext.Current.CancellationToken));
        var (rest, _) = await client.ReadToCloseAsync(WellWithinASecond, TestContext.Current.CancellationToken);
        Assert.Empty(rest);
        Assert.EndsWith("Use the CLI over SSH, which is off in ncs.conf (/ncs-config/cli/ssh/enabled)", await daemon.LogLineAsync("ncs_cli (id 4)", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(IpcDaemonEnd.Transports), MemberType = typeof(IpcDaemonEnd))]
    public async Task The_netconf_subsystem_client_sends_8c_alone_goes_straight_to_the_md5_challenge_and_is_closed_with_a_warning_naming_the_netconf_ssh_port(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, new IpcAccessCheckOn(Secret));
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("8c", TestContext.Current.CancellationToken);
        var challenge = await ChallengeAsync(client, 16, TestContext.Current.CancellationToken);
        await client.SendAsync([0x0c, .. Md5([.. Secret, .. challenge])], TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 0x00 }, await client.ReceiveAsync(1, TestContext.Current.CancellationToken));

        var (rest, _) = await client.ReadToCloseAsync(WellWithinASecond, TestContext.Current.CancellationToken);
        Assert.Empty(rest);
        Assert.EndsWith($"Use NETCONF over SSH on port {IpcDaemonEnd.NetconfSshPort}", await daemon.LogLineAsync("NETCONF subsystem client (id 12)", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(IpcDaemonEnd.Transports), MemberType = typeof(IpcDaemonEnd))]
    public async Task Ncs_cmd_without_a_secret_is_not_admitted_by_a_daemon_whose_check_is_on(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, new IpcAccessCheckOn(Secret));
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("05 0052 08020500 3c 12", TestContext.Current.CancellationToken);

        var (rest, _) = await client.ReadToCloseAsync(WellWithinASecond, TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 0x03 }, rest);
        Assert.Contains("asked for no challenge, but ncs-ipc-access-check is on", await daemon.LogLineAsync("client id 5 (Cdb)", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(IpcDaemonEnd.Transports), MemberType = typeof(IpcDaemonEnd))]
    public async Task Ncs_cmd_with_a_secret_is_rejected_by_a_daemon_whose_check_is_off(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, IpcAccessCheckOff.Instance);
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("85 0052 08020500 3c 12", TestContext.Current.CancellationToken);

        var (rest, _) = await client.ReadToCloseAsync(WellWithinASecond, TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 0x03 }, rest);
        Assert.Contains("asked for a v1 (MD5) challenge, but ncs-ipc-access-check is off", await daemon.LogLineAsync("client id 5 (Cdb)", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("tcp", "07")]
    [InlineData("local", "0b")]
    [InlineData("tcp", "00")]
    public async Task An_answer_whose_first_byte_is_not_0c_is_closed_without_a_verdict_byte(string transport, string tag)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, new IpcAccessCheckOn(Secret));
        await using var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);

        await client.SendAsync("87 0052 08020500 3c 12", TestContext.Current.CancellationToken);
        var challenge = await ChallengeAsync(client, 16, TestContext.Current.CancellationToken);
        await client.SendAsync([.. RawIpc.Hex(tag), .. Md5([.. Secret, .. challenge])], TestContext.Current.CancellationToken);

        var (rest, _) = await client.ReadToCloseAsync(WellWithinASecond, TestContext.Current.CancellationToken);
        Assert.Empty(rest);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("tcp")]
    [InlineData("local")]
    public async Task A_client_that_sends_a_short_answer_and_closes_gets_no_verdict_byte(string transport)
    {
        await using var daemon = IpcDaemonEnd.Start(transport, new IpcAccessCheckOn(Secret));
        var client = await daemon.ConnectAsync(TestContext.Current.CancellationToken);
        await client.SendAsync("87 0052 08020500 3c 12", TestContext.Current.CancellationToken);
        await ChallengeAsync(client, 16, TestContext.Current.CancellationToken);

        await client.SendAsync("0c 0102030405", TestContext.Current.CancellationToken);
        ((NetworkStream)client).Socket.Shutdown(SocketShutdown.Send);

        var (rest, _) = await client.ReadToCloseAsync(WellWithinASecond, TestContext.Current.CancellationToken);
        Assert.Empty(rest);
        await client.DisposeAsync();
    }

    [Fact(Timeout = 10_000)]
    public async Task Ncs_cli_is_told_13_unavailable_before_phase_1_and_closed()
    {
        var toDaemon = new System.IO.Pipelines.Pipe();
        var fromDaemon = new System.IO.Pipelines.Pipe();
        var log = new List<string>();
        var context = new IpcSessionContext(IpcDaemonEnd.Version, new IpcAccessCheckOn(Secret), new NoControl(), log.Add) { CliAvailable = () => false, ReportUnserved = log.Add };
        var session = new IpcSession(toDaemon.Reader, fromDaemon.Writer, context).RunAsync(CancellationToken.None);

        await toDaemon.Writer.WriteAsync(RawIpc.Hex("84"), TestContext.Current.CancellationToken);
        await session;

        Assert.Equal(new byte[] { 13 }, await fromDaemon.Reader.ReadBytesAsync(1, TestContext.Current.CancellationToken));
        Assert.Null(await fromDaemon.Reader.ReadBytesAsync(1, TestContext.Current.CancellationToken));
        Assert.Equal("ncs_cli (id 4) from pipe: the daemon has not reached phase 1, so it was told 13 (unavailable) and closed", Assert.Single(log));
    }

    /// <summary>Reads <c>0b</c> and the challenge after it.</summary>
    private static async Task<byte[]> ChallengeAsync(Stream client, int length, CancellationToken cancellationToken)
    {
        var tagged = await client.ReceiveAsync(1 + length, cancellationToken);
        Assert.Equal(0x0b, tagged[0]);
        return tagged[1..];
    }

#pragma warning disable CA5351 // The v1 challenge, as NSO's C library answers it, is MD5.
    private static byte[] Md5(byte[] material) => MD5.HashData(material);
#pragma warning restore CA5351

    private sealed class NoControl : ISimControl
    {
        public ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken) => ValueTask.FromResult("ok");
    }
}
