using System.IO.Pipelines;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// Decides, right after the client id byte, whether a connection may go on
/// (<c>ncs-ipc-access-check</c>, NSO-FACTS section 4 step 2). The challenge exchange, when there
/// is one, runs on the connection's own reader and writer.
/// </summary>
internal interface IIpcAccessCheck
{
    ValueTask<bool> AdmitAsync(IpcChallengeRequest challenge, PipeReader input, PipeWriter output, CancellationToken cancellationToken);
}

/// <summary>
/// The check is off: clients that ask for no challenge get in. One that asks for a challenge
/// holds a secret the daemon does not expect, and NSO fails it, so the connection is closed.
/// </summary>
internal sealed class IpcAccessCheckOff : IIpcAccessCheck
{
    public static IpcAccessCheckOff Instance { get; } = new();

    public ValueTask<bool> AdmitAsync(IpcChallengeRequest challenge, PipeReader input, PipeWriter output, CancellationToken cancellationToken) =>
        ValueTask.FromResult(challenge == IpcChallengeRequest.None);
}
