namespace NsoDev.Simulator.Ipc;

/// <summary>
/// What every IPC session of one daemon shares. <c>ReportProtocolError</c> is told why a
/// connection was closed on bad input; <c>ReportAccessRejected</c> why the access check turned a
/// client away (ncs.log and audit.log); <c>ReportUnserved</c> about a client nso-sim admitted but
/// does not serve (an ncs.log WARNING); <c>ReportDevel</c> what only a developer wants to see (devel.log).
/// </summary>
/// <remarks>
/// <c>NorthboundPort</c> gives the port a northbound listener (<c>cli-ssh</c>, <c>netconf-ssh</c>) is
/// bound to, or null when it is off: the warnings point at what does work. <c>CliAvailable</c> says
/// whether <c>ncs_cli</c> is told 0 (go on) or 13 (unavailable).
/// </remarks>
internal sealed record IpcSessionContext(
    NsoVersion Version,
    IIpcAccessCheck AccessCheck,
    ISimControl Control,
    Action<string> ReportProtocolError,
    Action<IpcAccessRejection>? ReportAccessRejected = null)
{
    public IpcSessionTimeouts Timeouts { get; init; } = IpcSessionTimeouts.Default;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Action<string>? ReportUnserved { get; init; }

    /// <summary>A control request (<c>stop</c>, <c>reload</c>) and the peer that sent it, before it is handled.</summary>
    public Action<string, string>? ReportControlRequest { get; init; }

    public Action<string>? ReportDevel { get; init; }

    public Func<string, int?> NorthboundPort { get; init; } = _ => null;

    public Func<bool> CliAvailable { get; init; } = () => true;
}

/// <summary>How long a session waits for each thing (docs/NSO-NOTES.md §4); tests make them short.</summary>
/// <param name="Preamble">
/// One deadline from connect until the preamble is done: the hello and, after a challenge, the
/// answer. NSO gives up on an incomplete hello after about 30 s; that a slow answer shares the
/// limit is inferred.
/// </param>
/// <param name="UnservedGrace">
/// How long an admitted library client nso-sim does not serve (MAAPI, CDB, ...) may stay silent
/// before it is closed. Short, so that no real client hangs; a request ends it at once.
/// </param>
/// <param name="CloseLinger">
/// Before closing on a rejected or unserved client, how long to wait for its own close: closing with
/// its unread bytes in the buffer would reset the connection, and the client could lose the last byte
/// it was sent, or die of SIGPIPE on its next write.
/// </param>
internal sealed record IpcSessionTimeouts(TimeSpan Preamble, TimeSpan UnservedGrace, TimeSpan CloseLinger)
{
    public static IpcSessionTimeouts Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(250));
}

/// <summary>One client the access check turned away; it never carries the secret or the answer.</summary>
/// <remarks><c>Peer</c> is where the client came from: <c>127.0.0.1:41234</c>, or <c>local</c> for the Unix socket.</remarks>
internal sealed record IpcAccessRejection(string Peer, IpcClientId ClientId, string Reason)
{
    /// <summary>Sample: <c>IPC access check rejected client id 7 (Maapi) from 127.0.0.1:41234: it answered the v2 (SHA-256) challenge wrongly; ...</c>.</summary>
    public override string ToString() => $"IPC access check rejected client id {(byte)ClientId} ({Name}) from {Peer}: {Reason}";

    private string Name => Enum.IsDefined(ClientId) ? ClientId.ToString() : "unknown";
}
