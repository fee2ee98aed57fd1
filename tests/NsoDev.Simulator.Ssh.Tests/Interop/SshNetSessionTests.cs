using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NsoDev.Simulator.Ssh.Tests.Support;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace NsoDev.Simulator.Ssh.Tests.Interop;

public sealed partial class SshNetSessionTests
{
    private const string EndOfMessage = "]]>]]>";

    [Fact(Timeout = 30_000)]
    public async Task An_exec_handler_s_output_and_exit_status_reach_the_client()
    {
        var handlers = new TestHandlers();
        handlers.Commands["show status"] = TestHandlers.Writes("started\n", status: 3);
        await using var server = TestServer.Start(handlers);
        using var client = await server.ConnectAsync(TestContext.Current.CancellationToken);

        var command = client.RunCommand("show status");

        Assert.Equal("started\n", command.Result);
        Assert.Equal(3, command.ExitStatus);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_five_megabyte_reply_arrives_whole()
    {
        const int Size = 5 * 1024 * 1024;
        var reply = RandomNumberGenerator.GetBytes(Size);
        var handlers = new TestHandlers();
        handlers.Commands["dump"] = async (stream, ct) =>
        {
            await stream.WriteAsync(reply, ct);
            return 0;
        };
        await using var server = TestServer.Start(handlers);
        using var client = await server.ConnectAsync(TestContext.Current.CancellationToken);
        using var command = client.CreateCommand("dump");
        using var received = new MemoryStream();

        await command.ExecuteAsync(TestContext.Current.CancellationToken);
        await command.OutputStream.CopyToAsync(received, TestContext.Current.CancellationToken);

        Assert.Equal(Size, received.Length);
        Assert.Equal(SHA256.HashData(reply), SHA256.HashData(received.ToArray()));
        Assert.Equal(0, command.ExitStatus);
    }

    [Fact(Timeout = 60_000)]
    public async Task Three_megabytes_from_the_client_reach_the_handler_through_many_window_adjusts()
    {
        var upload = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        var handlers = new TestHandlers();
        handlers.Commands["sha256sum"] = async (stream, ct) =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[10_000];
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(hash.GetHashAndReset())), ct);
            return 0;
        };
        await using var server = TestServer.Start(handlers);
        using var client = await server.ConnectAsync(TestContext.Current.CancellationToken);
        using var command = client.CreateCommand("sha256sum");

        var running = command.ExecuteAsync(TestContext.Current.CancellationToken);
        await using (var input = command.CreateInputStream())
        {
            await input.WriteAsync(upload, TestContext.Current.CancellationToken);
        }

        await running;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(upload)), command.Result);
    }

    [Fact(Timeout = 30_000)]
    public async Task NetConfClient_says_hello_and_gets_replies_from_a_netconf_subsystem_handler()
    {
        var handlers = new TestHandlers();
        handlers.Subsystems["netconf"] = NetconfHandlerAsync;
        await using var server = TestServer.Start(handlers);
        using var client = new NetConfClient(server.ConnectionInfo());

        await Task.Run(client.Connect, TestContext.Current.CancellationToken);
        var reply = client.SendReceiveRpc("<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-config><source><running/></source></get-config></rpc>");

        Assert.Contains("urn:ietf:params:netconf:base:1.0", client.ServerCapabilities.OuterXml, StringComparison.Ordinal);
        Assert.Equal("ok", reply.DocumentElement?.FirstChild?.LocalName);
        Assert.Contains(server.Log, line => line.EndsWith("channel 0: subsystem netconf started for user admin", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_shell_handler_talks_to_a_ShellStream()
    {
        var handlers = new TestHandlers { ShellHandler = TestHandlers.Echo };
        await using var server = TestServer.Start(handlers);
        using var client = await server.ConnectAsync(TestContext.Current.CancellationToken);
        using var shell = client.CreateShellStream("xterm", 80, 24, 800, 600, 1024);

        shell.WriteLine("show running-config");

        Assert.Equal("show running-config", await Task.Run(() => shell.ReadLine(TimeSpan.FromSeconds(10))));
    }

    [Fact(Timeout = 30_000)]
    public async Task Several_channels_run_at_once_on_one_connection()
    {
        var running = 0;
        var allRunning = new TaskCompletionSource();
        var handlers = new TestHandlers();
        handlers.Commands["wait-for-all"] = async (stream, ct) =>
        {
            if (Interlocked.Increment(ref running) == 3)
            {
                allRunning.SetResult();
            }

            await allRunning.Task.WaitAsync(ct);
            await stream.WriteAsync("together"u8.ToArray(), ct);
            return 0;
        };
        await using var server = TestServer.Start(handlers);
        using var client = await server.ConnectAsync(TestContext.Current.CancellationToken);
        var commands = Enumerable.Range(0, 3).Select(_ => client.CreateCommand("wait-for-all")).ToArray();

        await Task.WhenAll(commands.Select(c => c.ExecuteAsync()));

        Assert.All(commands, c => Assert.Equal("together", c.Result));
    }

    [Fact(Timeout = 30_000)]
    public async Task Port_forwarding_is_refused_and_the_connection_survives()
    {
        var handlers = new TestHandlers();
        handlers.Commands["alive"] = TestHandlers.Writes("yes");
        await using var server = TestServer.Start(handlers);
        using var client = await server.ConnectAsync(TestContext.Current.CancellationToken);
        var remote = new ForwardedPortRemote(IPAddress.Loopback, 0, IPAddress.Loopback, 9);
        var local = new ForwardedPortLocal("127.0.0.1", 0, "127.0.0.1", 9);
        client.AddForwardedPort(remote);
        client.AddForwardedPort(local);

        // tcpip-forward is a global request; direct-tcpip a channel type. SSH.NET closes the
        // forwarded socket when its channel is refused.
        Assert.Throws<SshException>(remote.Start);
        local.Start();
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(IPAddress.Loopback, (int)local.BoundPort, TestContext.Current.CancellationToken);
            Assert.Equal(0, await socket.GetStream().ReadAsync(new byte[16], TestContext.Current.CancellationToken));
        }

        Assert.Equal("yes", client.RunCommand("alive").Result);
    }

    private static async Task<int> NetconfHandlerAsync(Stream stream, CancellationToken ct)
    {
        const string Hello = """<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities><session-id>1</session-id></hello>""";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Hello + EndOfMessage), ct);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            int end;
            while ((end = received.ToString().IndexOf(EndOfMessage, StringComparison.Ordinal)) >= 0)
            {
                var message = received.ToString(0, end);
                received.Remove(0, end + EndOfMessage.Length);
                if (MessageId().Match(message) is { Success: true } id)
                {
                    var reply = $"""<rpc-reply message-id="{id.Groups[1].Value}" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><ok/></rpc-reply>""";
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(reply + EndOfMessage), ct);
                }
            }
        }

        return 0;
    }

    [GeneratedRegex("<rpc [^>]*message-id=\"([^\"]+)\"")]
    private static partial Regex MessageId();
}
