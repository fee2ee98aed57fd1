using System.IO.Pipelines;

namespace NsoDev.Simulator.Tests.Netconf;

/// <summary>A channel in memory: the server's end as a Stream, the client's end as the two raw pipes.</summary>
internal sealed class InMemoryChannel
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();

    public InMemoryChannel()
    {
        Server = new DuplexPipeStream(_toServer.Reader, _toClient.Writer);
    }

    public DuplexPipeStream Server { get; }

    public PipeReader FromServer => _toClient.Reader;

    public PipeWriter ToServer => _toServer.Writer;

    /// <summary>Runs a handler on the server end and closes that end when it returns, as the SSH layer does.</summary>
    public async Task<int> ServeAsync(Func<Stream, Task<int>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            return await handler(Server);
        }
        finally
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>Everything the server sends until it closes its end.</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var all = new MemoryStream();
        while (true)
        {
            var result = await FromServer.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            FromServer.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }
}
