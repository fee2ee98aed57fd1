using System.IO.Pipelines;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Ipc;

/// <summary>Plugs <see cref="IpcSession"/> into a listener, TCP or Unix socket alike.</summary>
internal sealed class IpcConnectionHandler(IpcSessionContext context) : IConnectionHandler
{
    public Task HandleAsync(Stream connection, CancellationToken cancellationToken) =>
        HandleAsync(connection, "unknown", cancellationToken);

    public Task HandleAsync(Stream connection, string peer, CancellationToken cancellationToken) =>
        new IpcSession(
            PipeReader.Create(connection, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(connection, new StreamPipeWriterOptions(leaveOpen: true)),
            context,
            peer).RunAsync(cancellationToken);
}
