using System.IO.Pipelines;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The client end of a library client's preamble (docs/NSO-NOTES.md §4) over any pair of pipes: the
/// whole 9-byte hello in one write, then, when it asked for one, the challenge, its answer and the
/// verdict, then the 9-byte reply (<see cref="IpcAccessChallenge"/> shows the bytes). nso-sim's
/// control commands use it, and tests use it to play v1 and v2 clients.
/// </summary>
internal static class IpcClientPreamble
{
    /// <summary>
    /// <paramref name="hello"/>'s <see cref="IpcHello.Challenge"/> says whether to ask for a challenge,
    /// and which; <paramref name="secret"/> is the access file's bytes, needed when it does.
    /// </summary>
    /// <exception cref="IpcAccessRejectedException">The daemon rejected this client.</exception>
    /// <exception cref="EndOfStreamException">The daemon closed before it said anything.</exception>
    public static async Task<IpcHelloReply> RunAsync(PipeReader input, PipeWriter output, IpcHello hello, ReadOnlyMemory<byte> secret, CancellationToken cancellationToken)
    {
        await output.WriteAsync(hello.Encode(), cancellationToken);
        if (hello.Challenge != IpcChallengeRequest.None)
        {
            await AnswerChallengeAsync(input, output, hello.Challenge, secret, cancellationToken);
        }

        // A daemon whose check is on rejects a hello that asked for no challenge with one byte here.
        if (await input.ReadBytesAsync(1, cancellationToken) is not [var status])
        {
            throw new EndOfStreamException("the daemon closed the connection during the IPC preamble");
        }

        if (status is not ((byte)IpcHelloStatus.Ok or (byte)IpcHelloStatus.ProtocolVersionIncompatible or (byte)IpcHelloStatus.DepthOrKeyLengthWarning))
        {
            throw new IpcAccessRejectedException(
                $"the daemon answered the hello with byte {status}, not a hello status: its ncs-ipc-access-check is on and this client has no NCS_IPC_ACCESS_FILE");
        }

        var rest = await input.ReadBytesAsync(IpcHelloReply.Length - 1, cancellationToken)
            ?? throw new EndOfStreamException("the daemon closed the connection during the IPC preamble");
        return IpcHelloReply.Decode([status, .. rest]);
    }

    private static async Task AnswerChallengeAsync(PipeReader input, PipeWriter output, IpcChallengeRequest kind, ReadOnlyMemory<byte> secret, CancellationToken cancellationToken)
    {
        var tag = await input.ReadBytesAsync(1, cancellationToken);
        if (tag is not [IpcAccessChallenge.ChallengeTag])
        {
            throw new IpcAccessRejectedException(tag is null
                ? "the daemon closed the connection instead of sending a challenge"
                : $"the daemon sent byte {tag[0]} instead of a challenge: its ncs-ipc-access-check is off, so unset NCS_IPC_ACCESS_FILE");
        }

        var challenge = await input.ReadBytesAsync(IpcAccessChallenge.ChallengeLength(kind), cancellationToken)
            ?? throw new IpcAccessRejectedException("the daemon closed the connection in the middle of its challenge");
        await output.WriteAsync((byte[])[IpcAccessChallenge.AnswerTag, .. IpcAccessChallenge.Answer(kind, secret.Span, challenge)], cancellationToken);

        var verdict = await input.ReadBytesAsync(1, cancellationToken)
            ?? throw new IpcAccessRejectedException("the daemon closed the connection without a verdict on the answer to its challenge");
        if (verdict is not [IpcAccessChallenge.Granted])
        {
            throw new IpcAccessRejectedException(
                "the daemon did not accept the answer to its challenge: the secret in NCS_IPC_ACCESS_FILE differs from the file in ncs-ipc-access-check/filename");
        }
    }
}
