namespace NsoDev.Simulator.Ssh.Connection;

/// <summary>
/// What a channel handler reads and writes. Reads return the client's data, then 0 at the
/// client's EOF. A write returns once its bytes are sent, within the client's window, so
/// everything written has gone out by the time the handler returns. One reader and one writer
/// at a time, as with any stream.
/// </summary>
internal sealed class ChannelStream(SessionChannel channel) : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException("an SSH channel has no length");

    public override long Position
    {
        get => throw new NotSupportedException("an SSH channel has no position");
        set => throw new NotSupportedException("an SSH channel has no position");
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        channel.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        channel.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        channel.ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        channel.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        channel.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        channel.WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    // Writes are sent before they return, so there is nothing left to flush.
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("an SSH channel cannot seek");

    public override void SetLength(long value) => throw new NotSupportedException("an SSH channel has no length");
}
