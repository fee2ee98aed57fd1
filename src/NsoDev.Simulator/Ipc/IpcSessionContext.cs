namespace NsoDev.Simulator.Ipc;

/// <summary>
/// What every IPC session of one daemon shares. <c>ReportProtocolError</c> is told why a
/// connection was closed on bad input; <c>ReportAccessRejected</c> why the access check turned a
/// client away (ncs.log and audit.log).
/// </summary>
internal sealed record IpcSessionContext(
    NsoVersion Version,
    IIpcAccessCheck AccessCheck,
    ISimControl Control,
    Action<string> ReportProtocolError,
    Action<IpcAccessRejection>? ReportAccessRejected = null);

/// <summary>One client the access check turned away; it never carries the secret or the answer.</summary>
/// <remarks><c>Peer</c> is where the client came from: <c>127.0.0.1:41234</c>, or <c>local</c> for the Unix socket.</remarks>
internal sealed record IpcAccessRejection(string Peer, IpcClientId ClientId, string Reason)
{
    /// <summary>Sample: <c>IPC access check rejected client id 7 (Maapi) from 127.0.0.1:41234: it answered the v2 (SHA-256) challenge wrongly; ...</c>.</summary>
    public override string ToString() => $"IPC access check rejected client id {(byte)ClientId} ({Name}) from {Peer}: {Reason}";

    private string Name => Enum.IsDefined(ClientId) ? ClientId.ToString() : "unknown";
}
