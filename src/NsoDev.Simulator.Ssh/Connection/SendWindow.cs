using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Connection;

/// <summary>
/// How much the client lets us send on one channel (RFC 4254 section 5.2). Writers take credit
/// before each data message and wait when there is none; WINDOW_ADJUST gives more.
/// </summary>
internal sealed class SendWindow(uint initial, uint maxPacket)
{
    private readonly Lock _lock = new();
    private long _available = initial;
    private TaskCompletionSource? _waiter;
    private bool _closed;

    /// <summary>Takes up to <paramref name="wanted"/> bytes of credit, never more than one data message may carry.</summary>
    /// <exception cref="IOException">The channel closed first.</exception>
    public async ValueTask<int> TakeAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task more;
            lock (_lock)
            {
                if (_closed)
                {
                    throw new IOException("the client closed the channel");
                }

                if (_available > 0)
                {
                    var granted = (int)Math.Min(Math.Min(wanted, _available), maxPacket);
                    _available -= granted;
                    return granted;
                }

                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                more = _waiter.Task;
            }

            await more.WaitAsync(cancellationToken);
        }
    }

    // 5d 00 00 00 00 00 20 00 00   WINDOW_ADJUST, recipient channel 0, 2 MiB more
    public void Add(uint bytes)
    {
        lock (_lock)
        {
            if (_available + bytes > uint.MaxValue)
            {
                throw new SshProtocolException($"a window adjust of {bytes} takes the window past 2^32-1 (RFC 4254 section 5.2)");
            }

            _available += bytes;
            Wake();
        }
    }

    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            Wake();
        }
    }

    private void Wake()
    {
        _waiter?.TrySetResult();
        _waiter = null;
    }
}
