namespace NsoDev.Simulator.Ssh;

/// <summary>
/// What runs on a session channel: the NETCONF and CLI code plug in here. Each method returns
/// null to refuse the request (the client gets CHANNEL_FAILURE), or a function that serves the
/// session until it returns; its result is the exit status sent to the client.
/// </summary>
/// <remarks>
/// The function gets a duplex <see cref="Stream"/>: reading returns the client's data and then
/// 0 at the client's EOF; a write returns once its bytes are sent within the client's window.
/// When the function returns, the channel is closed (exit-status, EOF, CLOSE). The token fires
/// when the client closes the channel or the connection, or the server stops.
/// </remarks>
public interface ISshChannelHandlers
{
    /// <summary>A "subsystem" request, such as "netconf".</summary>
    Func<Stream, CancellationToken, Task<int>>? Subsystem(string name, SshSessionInfo session);

    /// <summary>A "shell" request: an interactive login.</summary>
    Func<Stream, CancellationToken, Task<int>>? Shell(SshSessionInfo session);

    /// <summary>An "exec" request: one command.</summary>
    Func<Stream, CancellationToken, Task<int>>? Exec(string command, SshSessionInfo session);
}
