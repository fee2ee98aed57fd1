using System.IO.Pipelines;
using System.Net.Sockets;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

/// <summary>A raw IPC client over TCP or a Unix socket, for playing library clients against a real daemon.</summary>
internal sealed class IpcTestClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly CancellationToken _cancellationToken;

    private IpcTestClient(Socket socket, CancellationToken cancellationToken)
    {
        _socket = socket;
        _cancellationToken = cancellationToken;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Connects; the client's reads and writes end when <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task<IpcTestClient> ConnectAsync(IpcEndpoint endpoint, CancellationToken cancellationToken)
    {
        var socket = endpoint.NewSocket();
        await socket.ConnectAsync(endpoint.SocketEndPoint, cancellationToken);
        return new IpcTestClient(socket, cancellationToken);
    }

    /// <exception cref="IpcAccessRejectedException">The daemon turned this client away.</exception>
    public Task<IpcHelloReply> HelloAsync(IpcClientId id, IpcChallengeRequest challenge, byte[]? secret, NsoVersion version) =>
        IpcClientPreamble.RunAsync(Input, Output, new IpcHello(id, challenge, version.ProtocolVersion, version.PackedVersion), secret, _cancellationToken);

    public async Task SendAsync(byte[] bytes) => await Output.WriteAsync(bytes, _cancellationToken);

    /// <summary>Everything the daemon sends until it closes the connection.</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        var bytes = new List<byte>();
        try
        {
            while (true)
            {
                var result = await Input.ReadAsync(_cancellationToken);
                foreach (var segment in result.Buffer)
                {
                    bytes.AddRange(segment.Span);
                }

                Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return [.. bytes];
                }
            }
        }
        catch (IOException)
        {
            // A reset: closed all the same.
            return [.. bytes];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync();
        await Output.CompleteAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
