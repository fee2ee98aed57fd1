using System.IO.Pipelines;
using System.Text;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The daemon's side of one IPC connection, over any pair of pipes: the client id byte, the
/// access check (<see cref="IIpcAccessCheck"/>), the rest of the hello (NSO-FACTS section 4),
/// then frames. Bad input closes this connection and nothing else; what a session holds is
/// bounded by the longest single read it makes, never by what the peer sends.
/// </summary>
internal sealed class IpcSession(PipeReader input, PipeWriter output, IpcSessionContext context, string peer = "pipe")
{
    /// <summary>Control requests are single words; a longer frame is garbage.</summary>
    public const int MaxControlRequestLength = 4096;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ServeAsync(cancellationToken);
        }
        catch (IpcProtocolException e)
        {
            context.ReportProtocolError($"IPC connection from {peer} closed: {e.Message}");
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away, or the daemon is stopping: nothing to answer.
        }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync();
        }
    }

    /// <summary>How long a rejected client may take to read the verdict and close.</summary>
    public static readonly TimeSpan RejectionLinger = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Closing with the client's unread bytes (the rest of its hello) in the buffer resets the
    /// connection, and the client may lose the verdict; so read to the client's close first, briefly.
    /// </summary>
    private async Task LingerAsync(CancellationToken cancellationToken)
    {
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linger.CancelAfter(RejectionLinger);
        try
        {
            await input.DiscardToEndAsync(linger.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The client kept the connection open; close it now.
        }
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        if (await input.ReadBytesAsync(1, cancellationToken) is not [var first])
        {
            return;
        }

        var (clientId, challenge) = IpcHello.DecodeFirstByte(first);
        var admission = await context.AccessCheck.AdmitAsync(challenge, input, output, cancellationToken);
        if (admission.Result == IpcAdmissionResult.Rejected)
        {
            context.ReportAccessRejected?.Invoke(new IpcAccessRejection(peer, clientId, admission.Reason!));
            await LingerAsync(cancellationToken);
            return;
        }

        if (admission.Result == IpcAdmissionResult.Gone)
        {
            return;
        }

        if (clientId == IpcClientId.Cli)
        {
            // ncs_cli sends no versions and expects a control byte and a text header; not simulated yet.
            await input.DiscardToEndAsync(cancellationToken);
            return;
        }

        if (await input.ReadBytesAsync(IpcHello.Length - 1, cancellationToken) is not { } rest)
        {
            return;
        }

        var hello = IpcHello.Decode(first, rest);
        var reply = IpcHelloReply.For(context.Version, hello.ProtocolVersion);
        await output.WriteAsync(reply.Encode(), cancellationToken);
        if (reply.Status != IpcHelloStatus.Ok)
        {
            return;
        }

        if (clientId == IpcClientId.SimControl)
        {
            await ServeControlAsync(cancellationToken);
        }
        else
        {
            // MAAPI, CDB, data providers...: their Erlang-term requests are not simulated yet.
            while (await input.SkipFrameAsync(cancellationToken))
            {
            }
        }
    }

    private async Task ServeControlAsync(CancellationToken cancellationToken)
    {
        while (await input.ReadFrameAsync(MaxControlRequestLength, cancellationToken) is { } request)
        {
            var answer = await context.Control.HandleAsync(Encoding.UTF8.GetString(request).Trim(), cancellationToken);
            IpcFrame.Write(output, Encoding.UTF8.GetBytes(answer));
            await output.FlushAsync(cancellationToken);
        }
    }
}
