using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using NsoDev.Ipc;

namespace NsoDev.Client.Tests.Preamble;

/// <summary>A listener that plays NSO's side of one connection by a script, then closes it.</summary>
internal sealed class ScriptedPeer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string? _directory;

    private ScriptedPeer(Socket listener, NsoIpcEndpoint endpoint, string? directory)
    {
        _listener = listener;
        Endpoint = endpoint;
        _directory = directory;
    }

    public NsoIpcEndpoint Endpoint { get; }

    public static ScriptedPeer Listen(string transport)
    {
        if (transport == "tcp")
        {
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            tcp.Listen();
            return new ScriptedPeer(tcp, new NsoIpcEndpoint.Tcp("127.0.0.1", ((IPEndPoint)tcp.LocalEndPoint!).Port), null);
        }

        var directory = Directory.CreateTempSubdirectory("nsodev-peer-").FullName;
        var path = Path.Combine(directory, "ipc.sock");
        var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        unix.Bind(new UnixDomainSocketEndPoint(path));
        unix.Listen();
        return new ScriptedPeer(unix, new NsoIpcEndpoint.UnixSocket(path), directory);
    }

    /// <summary>Accepts one connection, plays <paramref name="script"/> on it, then closes it.</summary>
    public Task RunAsync(Func<Connection, Task> script, CancellationToken cancellationToken) => Task.Run(
        async () =>
        {
            using var accepted = await _listener.AcceptAsync(cancellationToken);
            await script(new Connection(accepted));
            accepted.Shutdown(SocketShutdown.Send);
        },
        cancellationToken);

    public ValueTask DisposeAsync()
    {
        _listener.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

internal sealed class Connection(Socket socket)
{
    /// <summary>Exactly <paramref name="count"/> bytes, never more.</summary>
    public async Task<byte[]> ReceiveAsync(int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(bytes.AsMemory(read), cancellationToken);
            Assert.True(n > 0, $"the client closed after {read} of {count} bytes");
            read += n;
        }

        return bytes;
    }

    /// <summary>What one receive brings: a client that wrote its first byte alone and waited shows here as 1 byte.</summary>
    public async Task<byte[]> ReadOnceAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64];
        var n = await socket.ReceiveAsync(buffer, cancellationToken);
        return buffer[..n];
    }

    public async Task SendAsync(byte[] bytes, CancellationToken cancellationToken) => await socket.SendAsync(bytes, cancellationToken);

    /// <summary>
    /// NSO's challenge (docs/NSO-NOTES.md §4): 0x0b and <paramref name="length"/> random bytes, 16 for MD5
    /// and 32 for SHA-256. Returns them and the client's answer, 0x0c and the hash: <paramref name="length"/> + 1 bytes.
    /// </summary>
    public async Task<(byte[] Challenge, byte[] Answer)> ChallengeAsync(int length, CancellationToken cancellationToken)
    {
        var challenge = RandomNumberGenerator.GetBytes(length);
        await SendAsync([0x0b, .. challenge], cancellationToken);
        return (challenge, await ReceiveAsync(1 + length, cancellationToken));
    }
}
