using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Control;

/// <summary>
/// The client end of a <see cref="IpcClientId.SimControl"/> connection: the preamble
/// (NSO-FACTS section 4), then one text frame per request and per reply.
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

    /// <exception cref="SocketException">Nothing listens there.</exception>
    /// <exception cref="IOException">The daemon closed the connection during the preamble.</exception>
    /// <exception cref="IpcProtocolException">The daemon refused this client's protocol version.</exception>
    public static async Task<SimControlClient> ConnectAsync(IPEndPoint daemon, NsoVersion version, CancellationToken cancellationToken)
    {
        var socket = new Socket(daemon.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SimControlClient? client = null;
        try
        {
            await socket.ConnectAsync(daemon, cancellationToken);
            client = new SimControlClient(socket);
            await client.HelloAsync(version, cancellationToken);
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

    private async Task HelloAsync(NsoVersion version, CancellationToken cancellationToken)
    {
        var hello = new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, version.ProtocolVersion, version.PackedVersion);
        await _output.WriteAsync(hello.Encode(), cancellationToken);
        var bytes = await _input.ReadBytesAsync(IpcHelloReply.Length, cancellationToken)
            ?? throw new EndOfStreamException("the daemon closed the connection during the IPC preamble");
        var reply = IpcHelloReply.Decode(bytes);
        if (reply.Status == IpcHelloStatus.ProtocolVersionIncompatible)
        {
            throw new IpcProtocolException($"protocol version incompatible: this client speaks {version.ProtocolVersion}, the daemon {reply.ProtocolVersion}");
        }
    }
}
