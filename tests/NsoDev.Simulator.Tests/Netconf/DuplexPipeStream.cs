using System.Buffers;
using System.IO.Pipelines;

namespace NsoDev.Simulator.Tests.Netconf;

/// <summary>
/// One end of an in-memory channel, the shape an SSH channel has: Read gets what the other end
/// wrote (0 once it completed), Write/Flush send to it. Disposing it closes this end.
/// </summary>
internal sealed class DuplexPipeStream(PipeReader input, PipeWriter output) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var result = await input.ReadAsync(cancellationToken);
        var count = (int)Math.Min(buffer.Length, result.Buffer.Length);
        result.Buffer.Slice(0, count).CopyTo(buffer.Span);
        input.AdvanceTo(result.Buffer.GetPosition(count));
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        await output.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken) => await output.FlushAsync(cancellationToken);

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Complete();
            output.Complete();
        }

        base.Dispose(disposing);
    }
}

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
    public async Task<byte[]> ReadToEndAsync()
    {
        var all = new MemoryStream();
        while (true)
        {
            var result = await FromServer.ReadAsync();
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
