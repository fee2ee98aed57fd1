using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Control;

/// <summary>
/// The client end of a <see cref="IpcClientId.SimControl"/> connection over TCP or a Unix socket:
/// the preamble (docs/NSO-NOTES.md §4; the whole hello first, then a v2 challenge when it holds a secret), then one text
/// frame per request and per reply.
/// </summary>
internal sealed class SimControlClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;

    private SimControlClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <summary><paramref name="secret"/> holds the access file's bytes, or null to ask for no challenge.</summary>
    /// <exception cref="SocketException">Nothing listens there.</exception>
    /// <exception cref="IOException">The daemon closed the connection during the preamble.</exception>
    /// <exception cref="IpcAccessRejectedException">The daemon's access check turned this client away.</exception>
    /// <exception cref="IpcProtocolException">The daemon refused this client's protocol version.</exception>
    public static async Task<SimControlClient> ConnectAsync(IpcEndpoint daemon, NsoVersion version, byte[]? secret, CancellationToken cancellationToken)
    {
        var socket = daemon.NewSocket();
        SimControlClient? client = null;
        try
        {
            await socket.ConnectAsync(daemon.SocketEndPoint, cancellationToken);
            client = new SimControlClient(socket);
            await client.HelloAsync(version, secret, cancellationToken);
            return client;
        }
        catch
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }

            socket.Dispose();
            throw;
        }
    }

    /// <exception cref="IOException">The connection closed before the reply came.</exception>
    public async Task<string> RequestAsync(string request, CancellationToken cancellationToken)
    {
        IpcFrame.Write(_output, Encoding.UTF8.GetBytes(request));
        await _output.FlushAsync(cancellationToken);
        var reply = await _input.ReadFrameAsync(cancellationToken)
            ?? throw new EndOfStreamException($"the daemon closed the connection before it answered \"{request}\"");
        return Encoding.UTF8.GetString(reply);
    }

    /// <summary>Returns when the daemon closes the connection, which it does last when it stops.</summary>
    public async Task WaitForCloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _input.DiscardToEndAsync(cancellationToken);
        }
        catch (IOException)
        {
            // Reset instead of closed: gone all the same.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        await _output.CompleteAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private async Task HelloAsync(NsoVersion version, byte[]? secret, CancellationToken cancellationToken)
    {
        var challenge = secret is null ? IpcChallengeRequest.None : IpcChallengeRequest.V2Sha256;
        var hello = new IpcHello(IpcClientId.SimControl, challenge, version.ProtocolVersion, version.PackedVersion);
        var reply = await IpcClientPreamble.RunAsync(_input, _output, hello, secret, cancellationToken);
        if (reply.Status == IpcHelloStatus.ProtocolVersionIncompatible)
        {
            throw new IpcProtocolException($"protocol version incompatible: this client speaks {version.ProtocolVersion}, the daemon {reply.ProtocolVersion}");
        }
    }
}
