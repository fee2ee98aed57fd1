using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Support;

/// <summary>An <see cref="SshServer"/> whose connections are in-memory streams: no socket involved.</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private InProcessServer(SshServer server, TestHandlers handlers, ConcurrentQueue<string> log)
    {
        Server = server;
        Handlers = handlers;
        Log = log;
    }

    public SshServer Server { get; }

    public TestHandlers Handlers { get; }

    public ConcurrentQueue<string> Log { get; }

    public static InProcessServer Create(TestHandlers? handlers = null, Action<SshServerOptions>? configure = null, TimeProvider? time = null)
    {
        handlers ??= new TestHandlers();
        var log = new ConcurrentQueue<string>();
        var options = TestServer.Options(handlers, SharedHostKeys.Directory, log);
        configure?.Invoke(options);
        return new InProcessServer(new SshServer(options, time ?? TimeProvider.System), handlers, log);
    }

    /// <summary>A raw connection; <c>Served</c> ends when the server is done with it (and has closed its end).</summary>
    public (DuplexPipeStream Client, Task Served) Connect()
    {
        var (client, server) = DuplexPipeStream.CreatePair();
        var served = Task.Run(async () =>
        {
            await using (server)
            {
                await Server.HandleConnectionAsync(server, remote: null, CancellationToken.None);
            }
        });
        return (client, served);
    }

    /// <summary>A connection with the keys exchanged; the client's reads and writes end when <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task<(TestSshClient Client, Task Served)> ConnectClientAsync(CancellationToken cancellationToken) => ConnectClientAsync(null, cancellationToken);

    public async Task<(TestSshClient Client, Task Served)> ConnectClientAsync(TestSshClient.Choice? choice, CancellationToken cancellationToken)
    {
        var (stream, served) = Connect();
        return (await TestSshClient.ConnectAsync(stream, choice, cancellationToken), served);
    }

    /// <summary>A connection logged in as admin/admin; the client's reads and writes end when <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task<(TestSshClient Client, Task Served)> LogInAsync(CancellationToken cancellationToken) => LogInAsync(null, cancellationToken);

    public async Task<(TestSshClient Client, Task Served)> LogInAsync(TestSshClient.Choice? choice, CancellationToken cancellationToken)
    {
        var (client, served) = await ConnectClientAsync(choice, cancellationToken);
        Assert.True(await client.LoginAsync(TestServer.User, TestServer.Password));
        return (client, served);
    }

    /// <summary>Everything the server sent on a connection without keys: its version line, then plain packets.</summary>
    public static async Task<(string Version, List<SshPacket> Packets)> ReadPlainToEndAsync(Stream client, CancellationToken cancellationToken)
    {
        using var all = new MemoryStream();
        await client.CopyToAsync(all, cancellationToken);
        var bytes = all.ToArray();
        var newline = Array.IndexOf(bytes, (byte)'\n');
        var buffer = new ReadOnlySequence<byte>(bytes, newline + 1, bytes.Length - newline - 1);
        var reader = new PacketReader();
        var packets = new List<SshPacket>();
        while (reader.TryRead(ref buffer, out var packet))
        {
            packets.Add(packet);
        }

        return (Encoding.ASCII.GetString(bytes, 0, newline).TrimEnd('\r'), packets);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
