using System.Net;
using System.Net.Sockets;
using NsoDev.Ipc;

namespace NsoDev.Client;

/// <summary>
/// One instance's checked settings, and the single connect attempt that the client (with retries and
/// telemetry) and the health check (once, quietly) both make.
/// </summary>
/// <param name="Name">The connection name, or null for the plain <c>NCS_IPC_*</c> form.</param>
/// <param name="Endpoint">Where the daemon serves IPC.</param>
/// <param name="Release">The release whose protocol the hello announces.</param>
/// <param name="AccessFile">The secret file, or null when the check is off.</param>
/// <param name="ConnectTimeout">The limit of one attempt.</param>
/// <param name="ConnectRetries">How many refused or silent attempts are retried.</param>
internal sealed record NsoIpcConnection(string? Name, NsoIpcEndpoint Endpoint, NsoRelease Release, string? AccessFile, TimeSpan ConnectTimeout, int ConnectRetries)
{
    /// <summary>What names the access file and how to turn it off, for the error when it cannot be read.</summary>
    public (string Label, string Removal) AccessFileOrigin { get; init; } = ("AccessFile", "leave it out");

    /// <summary>Reads the access file, whole: the secret is its bytes as stored (NSO-NOTES §4).</summary>
    /// <returns>The secret, or null when the check is off.</returns>
    /// <exception cref="InvalidOperationException">The file cannot be read; the message names it, never its content.</exception>
    public byte[]? ReadSecret()
    {
        if (AccessFile is null)
        {
            return null;
        }

        try
        {
            return File.ReadAllBytes(AccessFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AccessFileUnreadableException($"{AccessFileOrigin.Label} is '{AccessFile}', but it cannot be read ({ex.Message}). Give this process read access to the instance's secret file, or {AccessFileOrigin.Removal} if the instance's access check is off.", ex);
        }
    }

    /// <summary>One connect and preamble, within <see cref="ConnectTimeout"/>.</summary>
    /// <param name="clientType">The client id to send.</param>
    /// <param name="timeProvider">The clock of the timeout.</param>
    /// <param name="cancellationToken">The caller's; cancelling it is an <see cref="OperationCanceledException"/>, not a timeout.</param>
    /// <returns>The connected socket.</returns>
    public async Task<Socket> ConnectOnceAsync(NsoClientType clientType, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var secret = ReadSecret();
        using var timeout = new CancellationTokenSource(ConnectTimeout, timeProvider);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var endpoint = await ResolveAsync(Endpoint, attempt.Token);
            return await IpcPreamble.ConnectAsync(new IpcConnectOptions(endpoint, clientType, Release) { Secret = secret }, attempt.Token);
        }
        catch (IpcPreambleException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The IPC connect was cancelled.", ex, cancellationToken);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Only the name lookup ends this way; a lookup past the timeout is a timeout like the preamble's.
            throw new IpcPreambleException(IpcFailure.Timeout, $"no address for the host name in {Endpoint} in time", ex);
        }
    }

    /// <summary>A host name (a container's <c>host.docker.internal</c>) becomes an address here, at each attempt, since IPC sockets take addresses.</summary>
    private static async Task<NsoIpcEndpoint> ResolveAsync(NsoIpcEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (endpoint is not NsoIpcEndpoint.Tcp tcp || IPAddress.TryParse(tcp.Address, out _))
        {
            return endpoint;
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(tcp.Address, cancellationToken);
        }
        catch (SocketException ex)
        {
            // Refused, so it is retried: a name may resolve once the network is up.
            throw new IpcPreambleException(IpcFailure.Refused, $"cannot resolve the host name in {endpoint} ({ex.SocketErrorCode}): is it the instance's, and does this machine's DNS know it?", ex);
        }

        // The daemon listens on IPv4 unless told otherwise (127.0.0.1 by default), so IPv4 first.
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new IpcPreambleException(IpcFailure.Refused, $"the host name in {endpoint} has no address: is it the instance's?");
        return tcp with { Address = address.ToString() };
    }

    /// <inheritdoc/>
    public override string ToString() => Name is null ? Endpoint.ToString() : $"'{Name}' on {Endpoint}";
}

/// <summary>The access file cannot be read; a type of its own so the client counts it apart from other errors.</summary>
internal sealed class AccessFileUnreadableException(string message, Exception inner) : InvalidOperationException(message, inner);
