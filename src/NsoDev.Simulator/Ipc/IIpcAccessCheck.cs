using System.IO.Pipelines;
using System.Security.Cryptography;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// Decides whether a connection may go on (<c>ncs-ipc-access-check</c>, docs/NSO-NOTES.md §4): for a
/// library client after its whole 9-byte hello, for <c>ncs_cli</c> after its status byte, for the
/// NETCONF subsystem client after its first byte. The challenge exchange, when there is one, runs on
/// the connection's own reader and writer (<see cref="IpcAccessChallenge"/> has the bytes), so it is
/// tested over pipes. The token carries the preamble's deadline: a client too slow to answer ends
/// in an <see cref="OperationCanceledException"/>, and the session closes without a verdict.
/// </summary>
internal interface IIpcAccessCheck
{
    /// <summary>For <c>--status</c>: <c>access-check: on</c> or <c>off</c>.</summary>
    bool Enabled { get; }

    ValueTask<IpcAdmission> AdmitAsync(IpcChallengeRequest challenge, PipeReader input, PipeWriter output, CancellationToken cancellationToken);
}

internal enum IpcAdmissionResult
{
    Admitted,

    /// <summary>The client closed in the middle of the exchange: nothing to log, nothing to answer.</summary>
    Gone,

    /// <summary>The verdict byte <see cref="IpcAccessChallenge.Rejected"/> was sent; the connection closes.</summary>
    Rejected,

    /// <summary>The answer was not an answer (its first byte is not 12): NSO closes without a verdict byte.</summary>
    Malformed,
}

/// <summary>What the access check decided; a rejection's reason goes to ncs.log and audit.log and never holds the secret.</summary>
internal readonly record struct IpcAdmission(IpcAdmissionResult Result, string? Reason = null)
{
    public static IpcAdmission Admitted { get; } = new(IpcAdmissionResult.Admitted);

    public static IpcAdmission Gone { get; } = new(IpcAdmissionResult.Gone);

    public static async ValueTask<IpcAdmission> RejectAsync(PipeWriter output, string reason, CancellationToken cancellationToken)
    {
        await output.WriteAsync(new[] { IpcAccessChallenge.Rejected }, cancellationToken);
        return new IpcAdmission(IpcAdmissionResult.Rejected, reason);
    }

    public static IpcAdmission Malformed(string reason) => new(IpcAdmissionResult.Malformed, reason);
}

/// <summary>
/// The check is off: clients that ask for no challenge get in. One that asks for a challenge
/// holds a secret the daemon does not expect, and NSO fails it (seed page: "the client
/// connections will fail"), so it is rejected; that it gets the byte 3, as a wrong answer does,
/// is nso-sim's choice (no public source says which byte NSO sends here).
/// </summary>
internal sealed class IpcAccessCheckOff : IIpcAccessCheck
{
    public static IpcAccessCheckOff Instance { get; } = new();

    public bool Enabled => false;

    public ValueTask<IpcAdmission> AdmitAsync(IpcChallengeRequest challenge, PipeReader input, PipeWriter output, CancellationToken cancellationToken) =>
        challenge == IpcChallengeRequest.None
            ? ValueTask.FromResult(IpcAdmission.Admitted)
            : IpcAdmission.RejectAsync(
                output,
                $"it asked for a {IpcAccessChallenge.Describe(challenge)} challenge, but ncs-ipc-access-check is off; unset NCS_IPC_ACCESS_FILE for the client, or turn the check on in ncs.conf",
                cancellationToken);
}

/// <summary>
/// The check is on: every client, whatever its id, must ask for a challenge and answer it with
/// H(secret ‖ challenge). The answer is compared in constant time. A client that asks for no
/// challenge is not admitted (docs/NSO-NOTES.md §4); that it gets the byte 3 is nso-sim's choice.
/// </summary>
internal sealed class IpcAccessCheckOn(ReadOnlyMemory<byte> secret) : IIpcAccessCheck
{
    public bool Enabled => true;

    public async ValueTask<IpcAdmission> AdmitAsync(IpcChallengeRequest challenge, PipeReader input, PipeWriter output, CancellationToken cancellationToken)
    {
        if (challenge == IpcChallengeRequest.None)
        {
            return await IpcAdmission.RejectAsync(
                output,
                "it asked for no challenge, but ncs-ipc-access-check is on; give the client NCS_IPC_ACCESS_FILE naming the secret file",
                cancellationToken);
        }

        var nonce = RandomNumberGenerator.GetBytes(IpcAccessChallenge.ChallengeLength(challenge));
        await output.WriteAsync((byte[])[IpcAccessChallenge.ChallengeTag, .. nonce], cancellationToken);

        // The tag is only looked at, so that a timeout's log line shows the whole answer as it came.
        if (await input.PeekByteAsync(cancellationToken) is not { } tag)
        {
            return IpcAdmission.Gone;
        }

        var kind = IpcAccessChallenge.Describe(challenge);
        if (tag != IpcAccessChallenge.AnswerTag)
        {
            return IpcAdmission.Malformed($"it sent byte {tag} where the answer to the {kind} challenge starts with {IpcAccessChallenge.AnswerTag}; closed without a verdict");
        }

        // A client that closes in the middle of its answer gets no verdict either: it is gone.
        if (await input.ReadBytesAsync(1 + IpcAccessChallenge.AnswerLength(challenge), cancellationToken) is not { } tagged)
        {
            return IpcAdmission.Gone;
        }

        var answer = tagged.AsSpan(1);
        var expected = IpcAccessChallenge.Answer(challenge, secret.Span, nonce);
        if (!CryptographicOperations.FixedTimeEquals(answer, expected))
        {
            return await IpcAdmission.RejectAsync(output, $"it answered the {kind} challenge wrongly; its secret is not the one in ncs-ipc-access-check/filename", cancellationToken);
        }

        await output.WriteAsync(new[] { IpcAccessChallenge.Granted }, cancellationToken);
        return IpcAdmission.Admitted;
    }
}
