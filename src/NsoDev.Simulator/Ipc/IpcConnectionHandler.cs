using System.IO.Pipelines;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Ipc;

/// <summary>Plugs <see cref="IpcSession"/> into a TCP listener.</summary>
internal sealed class IpcConnectionHandler(IpcSessionContext context) : IConnectionHandler
{
    public Task HandleAsync(Stream connection, CancellationToken cancellationToken) =>
        new IpcSession(
            PipeReader.Create(connection, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(connection, new StreamPipeWriterOptions(leaveOpen: true)),
            context).RunAsync(cancellationToken);
}
