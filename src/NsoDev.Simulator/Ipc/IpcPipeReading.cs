using System.Buffers;
using System.IO.Pipelines;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The TryRead/AdvanceTo loops both ends of an IPC connection use. Each returns null when the
/// peer closes first, including in the middle of a frame.
/// </summary>
internal static class IpcPipeReading
{
    public static async ValueTask<byte[]?> ReadBytesAsync(this PipeReader reader, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= count)
            {
                var bytes = buffer.Slice(0, count).ToArray();
                reader.AdvanceTo(buffer.GetPosition(count));
                return bytes;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>The next byte, left in the pipe for the next read; null when the peer closes first.</summary>
    public static async ValueTask<byte?> PeekByteAsync(this PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (!result.Buffer.IsEmpty)
            {
                var first = result.Buffer.FirstSpan[0];
                reader.AdvanceTo(result.Buffer.Start);
                return first;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <exception cref="IpcProtocolException">The frame is too long.</exception>
    public static ValueTask<byte[]?> ReadFrameAsync(this PipeReader reader, CancellationToken cancellationToken) =>
        reader.ReadFrameAsync(IpcFrame.MaxPayloadLength, cancellationToken);

    /// <exception cref="IpcProtocolException">The frame is longer than <paramref name="maxLength"/>.</exception>
    public static async ValueTask<byte[]?> ReadFrameAsync(this PipeReader reader, int maxLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            ReadOnlySequence<byte> payload;
            bool complete;
            try
            {
                complete = IpcFrame.TryRead(ref buffer, out payload, maxLength);
            }
            catch (IpcProtocolException)
            {
                reader.AdvanceTo(buffer.Start);
                throw;
            }

            if (complete)
            {
                var bytes = payload.ToArray();
                reader.AdvanceTo(buffer.Start);
                return bytes;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Reads and drops bytes until the peer closes.</summary>
    public static async Task DiscardToEndAsync(this PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
