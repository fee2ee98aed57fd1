using System.IO.Pipelines;
using System.Text;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The daemon's side of one IPC connection, over any pair of pipes: the preamble
/// (NSO-FACTS section 4), then frames. Bad input closes this connection and nothing else.
/// </summary>
internal sealed class IpcSession(PipeReader input, PipeWriter output, IpcSessionContext context)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ServeAsync(cancellationToken);
        }
        catch (IpcProtocolException e)
        {
            context.ReportProtocolError(e.Message);
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

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        if (await input.ReadBytesAsync(1, cancellationToken) is not [var first])
        {
            return;
        }

        var (clientId, challenge) = IpcHello.DecodeFirstByte(first);
        if (!await context.AccessCheck.AdmitAsync(challenge, input, output, cancellationToken))
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
            while (await input.ReadFrameAsync(cancellationToken) is not null)
            {
            }
        }
    }

    private async Task ServeControlAsync(CancellationToken cancellationToken)
    {
        while (await input.ReadFrameAsync(cancellationToken) is { } request)
        {
            var answer = await context.Control.HandleAsync(Encoding.UTF8.GetString(request).Trim(), cancellationToken);
            IpcFrame.Write(output, Encoding.UTF8.GetBytes(answer));
            await output.FlushAsync(cancellationToken);
        }
    }
}
