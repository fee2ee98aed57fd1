using NsoDev.Simulator.Ssh.Transport;
using ChannelHandler = System.Func<System.IO.Stream, System.Threading.CancellationToken, System.Threading.Tasks.Task<int>>;

namespace NsoDev.Simulator.Ssh.Connection;

/// <summary>Channel requests, and the run of the handler that one of them starts.</summary>
internal sealed partial class SessionChannel
{
    public async Task OnRequestAsync(ChannelRequest request)
    {
        if (request.IsAcceptedAndIgnored)
        {
            await ReplyAsync(request, success: true);
            return;
        }

        if (!request.StartsSession || _started)
        {
            await ReplyAsync(request, success: false);
            return;
        }

        var what = request.Argument is null ? request.Type : $"{request.Type} {AuditLog.Printable(request.Argument)}";
        var handler = Lookup(request);
        if (handler is null)
        {
            _context.Log.Write($"channel {LocalId}: {what} refused for user {AuditLog.Printable(_context.User)}");
            await ReplyAsync(request, success: false);
            return;
        }

        lock (_lock)
        {
            _started = true;
            _handlerDone = false;
        }

        _context.Log.Write($"channel {LocalId}: {what} started for user {AuditLog.Printable(_context.User)}");
        await ReplyAsync(request, success: true);
        _handler = Task.Run(() => RunAsync(handler, what));
    }

    private ChannelHandler? Lookup(ChannelRequest request)
    {
        var session = new SshSessionInfo(_context.User, _context.Remote, (int)LocalId);
        var handlers = _context.Handlers;
        try
        {
            return request.Type switch
            {
                ChannelRequest.Shell => handlers.Shell(session),
                ChannelRequest.Exec => handlers.Exec(request.Argument!, session),
                _ => handlers.Subsystem(request.Argument!, session),
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _context.Log.Write($"channel {LocalId}: choosing a handler for {request.Type} threw {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    private async Task RunAsync(ChannelHandler handler, string what)
    {
        var status = 255;
        try
        {
            status = await handler(new ChannelStream(this), _cancel.Token);
        }
        catch (Exception e) when (_cancel.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            // The client closed the channel or the connection first; nobody is left to tell.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _context.Log.Write($"channel {LocalId}: {what} failed: {e.GetType().Name}: {e.Message}");
        }

        _inbound.StopReading();
        await FinishAsync(status);
        _context.Log.Write($"channel {LocalId}: {what} ended, exit status {status}");

        bool dispose;
        lock (_lock)
        {
            _handlerDone = true;
            dispose = _released;
        }

        if (dispose)
        {
            Dispose();
        }
    }

    // exit-status, EOF, CLOSE: each skipped once CLOSE has gone out (RFC 4254 sections 5.3 and 6.10).
    private async Task FinishAsync(int status)
    {
        try
        {
            await SendControlAsync(SshWriter.Message(SshMessage.ChannelRequest)
                .WriteUInt32(RemoteId)
                .WriteString("exit-status")
                .WriteBoolean(false)
                .WriteUInt32((uint)status));
            await SendControlAsync(SshWriter.Message(SshMessage.ChannelEof).WriteUInt32(RemoteId));
            await SendControlAsync(SshWriter.Message(SshMessage.ChannelClose).WriteUInt32(RemoteId), close: true);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone; so is the channel.
        }

        ReleaseIfDone();
    }

    private async Task ReplyAsync(ChannelRequest request, bool success)
    {
        if (request.WantReply)
        {
            await SendControlAsync(SshWriter.Message(success ? SshMessage.ChannelSuccess : SshMessage.ChannelFailure).WriteUInt32(RemoteId));
        }
    }
}
