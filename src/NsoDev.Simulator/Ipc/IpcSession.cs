using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The daemon's side of one IPC connection, over any pair of pipes (docs/NSO-NOTES.md §4). By the
/// first byte's client id:
/// <code>
/// library client (CDB 5, MAAPI 7, ...)    C→S 85 0052 08020500 3c 12   the whole hello, then the challenge
///                                         S→C 0b+16, C→S 0c+md5, S→C 00, S→C the 9-byte reply
/// ncs_cli (4)                             C→S 84   S→C 00 (13: unavailable)   then 0b+16, 0c+md5, 00
/// NETCONF subsystem (12)                  C→S 8c   S→C 0b+16, C→S 0c+md5, S→C 00
/// </code>
/// Only nso-sim's own control client (id 41) is served after the preamble. Every other client is
/// closed soon after it, with a log line that says what works instead, so that no real NSO client
/// hangs. Bad input closes this connection and nothing else; what a session holds is bounded by the
/// longest single read it makes, never by what the peer sends.
/// </summary>
internal sealed class IpcSession(PipeReader input, PipeWriter output, IpcSessionContext context, string peer = "pipe")
{
    /// <summary>Control requests are single words; a longer frame is garbage.</summary>
    public const int MaxControlRequestLength = 4096;

    /// <summary>The status byte <c>ncs_cli</c> reads first: go on, or unavailable (for example before phase 1).</summary>
    private const byte CliGoOn = 0;
    private const byte CliUnavailable = 13;

    /// <summary>What the preamble is waiting for, and what it has consumed of it: for the timeout's log line.</summary>
    private string _waitingFor = "complete 9-byte hello";
    private byte[] _consumed = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(context.Timeouts.Preamble, context.Time);
        using var preamble = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await ServeAsync(preamble.Token, cancellationToken);
        }
        catch (IpcProtocolException e)
        {
            context.ReportProtocolError($"IPC connection from {peer} closed: {e.Message}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            context.ReportProtocolError($"IPC connection from {peer} closed: no {_waitingFor} within {Seconds(context.Timeouts.Preamble)}; {await GotAsync()}");
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

    /// <param name="preamble">Ends at the preamble's deadline, or when the daemon stops.</param>
    /// <param name="stopping">Ends when the daemon stops: what runs after the preamble.</param>
    private async Task ServeAsync(CancellationToken preamble, CancellationToken stopping)
    {
        if (await ReadAsync(1, preamble) is not [var first])
        {
            return;
        }

        var (clientId, challenge) = IpcHello.DecodeFirstByte(first);
        var client = new IpcClientKind(clientId, peer);
        switch (clientId)
        {
            case IpcClientId.Cli:
                await ServeCliAsync(client, challenge, preamble, stopping);
                return;
            case IpcClientId.NetconfSubsystem:
                // Straight to the challenge: no status byte, no versions.
                if (await AdmitAsync(client, challenge, preamble, stopping))
                {
                    await CloseUnservedAsync(IpcUnservedClient.NetconfSubsystem(client, context.NorthboundPort), stopping);
                }

                return;
        }

        // The rest of the hello before anything else: the challenge comes after all 9 bytes.
        if (await ReadAsync(IpcHello.Length - 1, preamble) is not { } rest)
        {
            return;
        }

        var hello = IpcHello.Decode(first, rest);
        if (!await AdmitAsync(client, challenge, preamble, stopping))
        {
            return;
        }

        var reply = IpcHelloReply.For(context.Version, hello.ProtocolVersion);
        await output.WriteAsync(reply.Encode(), stopping);
        if (reply.Status != IpcHelloStatus.Ok)
        {
            context.ReportUnserved?.Invoke($"{client}: its protocol version {hello.ProtocolVersion} is incompatible with this daemon's {reply.ProtocolVersion} (NSO {context.Version}); told so and closed");
            return;
        }

        if (clientId == IpcClientId.SimControl)
        {
            await ServeControlAsync(stopping);
        }
        else
        {
            await CloseUnservedLibraryClientAsync(client, stopping);
        }
    }

    /// <summary>
    /// <c>ncs_cli</c>: its first byte alone, then one status byte from the daemon (0 go on, 13 unavailable),
    /// then the access check. The CLI's text header that would follow is not simulated.
    /// </summary>
    private async Task ServeCliAsync(IpcClientKind client, IpcChallengeRequest challenge, CancellationToken preamble, CancellationToken stopping)
    {
        if (!context.CliAvailable())
        {
            await output.WriteAsync(new[] { CliUnavailable }, preamble);
            context.ReportUnserved?.Invoke($"{client}: the daemon has not reached phase 1, so it was told 13 (unavailable) and closed");
            return;
        }

        await output.WriteAsync(new[] { CliGoOn }, preamble);
        if (await AdmitAsync(client, challenge, preamble, stopping))
        {
            await CloseUnservedAsync(IpcUnservedClient.Cli(client, context.NorthboundPort), stopping);
        }
    }

    /// <summary>The access check; false when the connection is to close now (each way of failing is logged where it fails).</summary>
    private async Task<bool> AdmitAsync(IpcClientKind client, IpcChallengeRequest challenge, CancellationToken preamble, CancellationToken stopping)
    {
        _waitingFor = $"answer to the {IpcAccessChallenge.Describe(challenge)} challenge";
        _consumed = [];
        var admission = await context.AccessCheck.AdmitAsync(challenge, input, output, preamble);
        switch (admission.Result)
        {
            case IpcAdmissionResult.Admitted:
                return true;
            case IpcAdmissionResult.Rejected:
                context.ReportAccessRejected?.Invoke(new IpcAccessRejection(peer, client.Id, admission.Reason!));
                await LingerAsync(stopping);
                return false;
            case IpcAdmissionResult.Malformed:
                context.ReportAccessRejected?.Invoke(new IpcAccessRejection(peer, client.Id, admission.Reason!));
                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// An admitted library client whose requests (Erlang terms) nso-sim does not serve. A client that
    /// sends a request, or stays open past a short grace, is closed with an ncs.log WARNING naming what
    /// works. One that closes by itself right after the hello, as NsoDev's health check does every few
    /// seconds, only gets a devel.log line: a WARNING per probe would bury ncs.log.
    /// </summary>
    private async Task CloseUnservedLibraryClientAsync(IpcClientKind client, CancellationToken stopping)
    {
        using var grace = new CancellationTokenSource(context.Timeouts.UnservedGrace, context.Time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping, grace.Token);
        try
        {
            var result = await input.ReadAsync(wait.Token);
            if (result.Buffer.IsEmpty && result.IsCompleted)
            {
                context.ReportDevel?.Invoke($"{client} closed after the IPC hello");
                return;
            }

            input.AdvanceTo(result.Buffer.End);
        }
        catch (OperationCanceledException) when (grace.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            context.ReportUnserved?.Invoke(IpcUnservedClient.Library(client, $"stayed open {Seconds(context.Timeouts.UnservedGrace)} after the IPC hello", context.NorthboundPort));
            return;
        }

        await CloseUnservedAsync(IpcUnservedClient.Library(client, "sent a request", context.NorthboundPort), stopping);
    }

    /// <summary>
    /// Logs why the client is not served, then takes what it is still writing (ncs_cmd's next requests,
    /// ncs_cli's header) before closing: a close with its bytes unread resets the connection, and a
    /// close before its next write kills ncs_cli with SIGPIPE and no message. Recorded: after a plain
    /// close, ncs_cmd reports "NCS closed connection" and ncs_cli "Failed to read challange".
    /// </summary>
    private async Task CloseUnservedAsync(string warning, CancellationToken stopping)
    {
        context.ReportUnserved?.Invoke(warning);
        await LingerAsync(stopping);
    }

    private async Task ServeControlAsync(CancellationToken cancellationToken)
    {
        while (await input.ReadFrameAsync(MaxControlRequestLength, cancellationToken) is { } request)
        {
            var text = Encoding.UTF8.GetString(request).Trim();
            context.ReportControlRequest?.Invoke(text, peer);
            var answer = await context.Control.HandleAsync(text, cancellationToken);
            IpcFrame.Write(output, Encoding.UTF8.GetBytes(answer));
            await output.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Before closing on a client that may still be writing: wait briefly for its own close, so that
    /// closing with its unread bytes in the buffer does not reset the connection before it has read
    /// what it was told (a rejection byte) or finished its write.
    /// </summary>
    private async Task LingerAsync(CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(context.Timeouts.CloseLinger, context.Time);
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await input.DiscardToEndAsync(linger.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The client kept the connection open; close it now.
        }
    }

    private async Task<byte[]?> ReadAsync(int count, CancellationToken cancellationToken)
    {
        var bytes = await input.ReadBytesAsync(count, cancellationToken);
        if (bytes is not null)
        {
            _consumed = [.. _consumed, .. bytes];
        }

        return bytes;
    }

    /// <summary>What came of what the preamble waits for, read or still buffered. Sample: <c>got 3 bytes: 87 00 52</c>, or <c>got nothing</c>.</summary>
    private async Task<string> GotAsync()
    {
        byte[] pending = [];
        try
        {
            // A cancelled read returns at once with whatever is buffered, examined or not.
            input.CancelPendingRead();
            var result = await input.ReadAsync();
            pending = result.Buffer.Slice(0, Math.Min(result.Buffer.Length, 16)).ToArray();
            input.AdvanceTo(result.Buffer.Start);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // The reader cannot say: report what was consumed.
        }

        byte[] got = [.. _consumed, .. pending];
        var hex = string.Join(' ', got.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return got.Length == 0 ? "got nothing" : $"got {got.Length} byte{(got.Length == 1 ? "" : "s")}: {hex}";
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0} ms");
}
