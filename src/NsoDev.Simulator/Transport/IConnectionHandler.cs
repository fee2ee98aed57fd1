namespace NsoDev.Simulator.Transport;

/// <summary>
/// The protocol spoken on one accepted connection. The listener closes the connection when
/// the returned task ends; the token fires when the daemon stops.
/// </summary>
internal interface IConnectionHandler
{
    Task HandleAsync(Stream connection, CancellationToken cancellationToken);

    /// <summary>
    /// What listeners call. <paramref name="peer"/> names the other end for logs:
    /// <c>127.0.0.1:41234</c> over TCP, <c>local</c> over a Unix socket.
    /// </summary>
    Task HandleAsync(Stream connection, string peer, CancellationToken cancellationToken) => HandleAsync(connection, cancellationToken);
}

/// <summary>
/// Accepts and closes at once: the placeholder for NETCONF-SSH, CLI-SSH and the web UI until
/// their protocols are simulated. A client sees the port open, then the connection closed.
/// </summary>
internal sealed class ClosingConnectionHandler : IConnectionHandler
{
    public static ClosingConnectionHandler Instance { get; } = new();

    public Task HandleAsync(Stream connection, CancellationToken cancellationToken) => Task.CompletedTask;
}
