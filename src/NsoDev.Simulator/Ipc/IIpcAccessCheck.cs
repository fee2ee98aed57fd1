using System.IO.Pipelines;
using System.Security.Cryptography;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// Decides, right after the client id byte, whether a connection may go on
/// (<c>ncs-ipc-access-check</c>, NSO-FACTS section 4 step 2). The challenge exchange, when there
/// is one, runs on the connection's own reader and writer (<see cref="IpcAccessChallenge"/> has
/// the bytes), so it is tested over pipes.
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

    Rejected,
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
}

/// <summary>
/// The check is off: clients that ask for no challenge get in. One that asks for a challenge
/// holds a secret the daemon does not expect, and NSO fails it (seed page: "the client
/// connections will fail"), so it is rejected.
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
/// H(secret ‖ challenge). The answer is compared in constant time.
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

        if (await input.ReadBytesAsync(1, cancellationToken) is not [var tag])
        {
            return IpcAdmission.Gone;
        }

        var kind = IpcAccessChallenge.Describe(challenge);
        if (tag != IpcAccessChallenge.AnswerTag)
        {
            return await IpcAdmission.RejectAsync(output, $"it sent byte {tag} where the answer to the {kind} challenge starts with {IpcAccessChallenge.AnswerTag}", cancellationToken);
        }

        if (await input.ReadBytesAsync(IpcAccessChallenge.AnswerLength(challenge), cancellationToken) is not { } answer)
        {
            return IpcAdmission.Gone;
        }

        var expected = IpcAccessChallenge.Answer(challenge, secret.Span, nonce);
        if (!CryptographicOperations.FixedTimeEquals(answer, expected))
        {
            return await IpcAdmission.RejectAsync(output, $"it answered the {kind} challenge wrongly; its secret is not the one in ncs-ipc-access-check/filename", cancellationToken);
        }

        await output.WriteAsync(new[] { IpcAccessChallenge.Granted }, cancellationToken);
        return IpcAdmission.Admitted;
    }
}
