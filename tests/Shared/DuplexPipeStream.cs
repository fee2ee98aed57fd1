using System.Buffers;
using System.IO.Pipelines;

namespace NsoDev.Tests;

/// <summary>
/// Shared by the test projects (linked, not referenced). One end of an in-memory connection: Read
/// gets what the other end wrote (0 once it completed), Write/Flush send to it. Disposing it closes
/// this end, which is the other end's EOF. Lets protocol tests run without a socket.
/// </summary>
internal sealed class DuplexPipeStream(PipeReader input, PipeWriter output) : Stream
{
    /// <summary>Two connected ends, with no back-pressure.</summary>
    public static (DuplexPipeStream Client, DuplexPipeStream Server) CreatePair()
    {
        var options = new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false);
        var toServer = new Pipe(options);
        var toClient = new Pipe(options);
        return (new DuplexPipeStream(toClient.Reader, toServer.Writer), new DuplexPipeStream(toServer.Reader, toClient.Writer));
    }

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
