using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace NsoDev.Ipc;

/// <summary>Why a preamble failed.</summary>
public enum IpcFailure
{
    /// <summary>Nothing listens there (connection refused, or no socket file).</summary>
    Refused,

    /// <summary>The access check refused the client, or the two sides disagree on whether it is on.</summary>
    AccessRejected,

    /// <summary>The daemon speaks another protocol version.</summary>
    ProtocolMismatch,

    /// <summary>No answer in time.</summary>
    Timeout,
}

/// <summary>A preamble that failed, with the reason in words a developer can act on.</summary>
public sealed class IpcPreambleException(IpcFailure failure, string message, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>Why it failed.</summary>
    public IpcFailure Failure { get; } = failure;
}

/// <summary>
/// A library client's IPC preamble (NSO-FACTS section 4), with the access check when a secret is given.
/// <code>
/// client: [clientId | 0xC0]                   0x80|0x40 asks for a v2 (SHA-256) challenge; 0x80 alone for v1 (MD5)
/// daemon: [11][challenge]                     32 bytes for v2, 16 for v1; only when asked
/// client: [12][H(secret ‖ challenge)]
/// daemon: [0]                                 the answer was right
/// client: [protoVsn:u16][libVsn:u32][0][0]    e.g. 00 55 06 05 00 00 00 00 (protocol 85, 6.5)
/// daemon: [status][protoVsn:u16][serverVsn:u32][maxDepth][maxKeyLen]; status 0 OK, 1 incompatible, 2 warning
/// </code>
/// </summary>
public static class IpcPreamble
{
    /// <summary>The length of the daemon's hello reply.</summary>
    public const int ReplyLength = 9;

    private const byte AskV1 = 0x80;
    private const byte AskV2 = 0x80 | 0x40;
    private const byte ChallengeTag = 11;
    private const byte AnswerTag = 12;

    /// <summary>The Python library's protocol version per release: 85 in 6.5, 86 in 6.6, 87 in 6.7.</summary>
    /// <param name="major">NSO's major version.</param>
    /// <param name="minor">NSO's minor version.</param>
    /// <returns>The protocol version.</returns>
    public static ushort ProtocolVersion(int major, int minor) => (major, minor) switch
    {
        (6, >= 7) or (> 6, _) => 87,
        (6, 6) => 86,
        _ => 85,
    };

    /// <summary>Connects and completes the preamble; the returned socket is ready for framed requests.</summary>
    /// <param name="endpoint">Where the daemon listens.</param>
    /// <param name="clientType">The client id to send.</param>
    /// <param name="secret">The access file's bytes, or null when the check is off.</param>
    /// <param name="protocolVersion">The protocol version to announce.</param>
    /// <param name="libraryVersion">The library version to announce, e.g. 0x06050000.</param>
    /// <param name="cancellationToken">Cancels the attempt; a cancelled attempt is a <see cref="IpcFailure.Timeout"/>.</param>
    /// <param name="useV1">Answer an MD5 (v1) challenge instead of SHA-256 (v2).</param>
    /// <returns>The connected socket.</returns>
    public static async Task<Socket> ConnectAsync(NsoIpcEndpoint endpoint, NsoClientType clientType, byte[]? secret, ushort protocolVersion, uint libraryVersion, CancellationToken cancellationToken, bool useV1 = false)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var (socket, address) = endpoint.CreateSocket();
        try
        {
            try
            {
                await socket.ConnectAsync(address, cancellationToken);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported)
            {
                throw new IpcPreambleException(IpcFailure.Refused, $"connection refused on {endpoint}: is the daemon running, and do NCS_IPC_* point at it?", ex);
            }
            catch (SocketException ex) when (endpoint is NsoIpcEndpoint.UnixSocket)
            {
                throw new IpcPreambleException(IpcFailure.Refused, $"cannot connect to {endpoint} ({ex.SocketErrorCode}): is the daemon running, and may this user open the socket?", ex);
            }

            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var flags = secret is null ? (byte)0 : useV1 ? AskV1 : AskV2;
            var first = (byte)((byte)clientType | flags);
            var hello = new byte[8];
            BinaryPrimitives.WriteUInt16BigEndian(hello, protocolVersion);
            BinaryPrimitives.WriteUInt32BigEndian(hello.AsSpan(2), libraryVersion);
            if (secret is null)
            {
                // One write: a daemon whose check is on rejects after the first byte and closes, and a
                // second write would then fail with a broken pipe before the rejection could be read.
                await stream.WriteAsync((byte[])[first, .. hello], cancellationToken);
            }
            else
            {
                await stream.WriteAsync(new[] { first }, cancellationToken);
                await AnswerChallengeAsync(stream, secret, useV1, endpoint, cancellationToken);
                await stream.WriteAsync(hello, cancellationToken);
            }

            // The status byte first: a rejection is that one byte, and the daemon waits for this side to close.
            var reply = new byte[ReplyLength];
            await ReadExactlyAsync(stream, reply.AsMemory(0, 1), endpoint, secret is null, cancellationToken);
            if (reply[0] is not (0 or 1 or 2))
            {
                throw new IpcPreambleException(IpcFailure.AccessRejected, $"Access Rejected by {endpoint} (status {reply[0]}): the daemon's access check is on. Set NCS_IPC_ACCESS_FILE to its secret file.");
            }

            await ReadExactlyAsync(stream, reply.AsMemory(1), endpoint, false, cancellationToken);
            if (reply[0] == 1)
            {
                throw new IpcPreambleException(IpcFailure.ProtocolMismatch, $"protocol version incompatible: this client speaks {protocolVersion}, the daemon on {endpoint} {BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(1))}. Use the client library of the daemon's NSO release.");
            }

            return socket;
        }
        catch (OperationCanceledException ex)
        {
            socket.Dispose();
            throw new IpcPreambleException(IpcFailure.Timeout, $"no IPC preamble from {endpoint} in time", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task AnswerChallengeAsync(Stream stream, byte[] secret, bool useV1, NsoIpcEndpoint endpoint, CancellationToken cancellationToken)
    {
        var tag = new byte[1];
        await ReadExactlyAsync(stream, tag, endpoint, false, cancellationToken);
        if (tag[0] != ChallengeTag)
        {
            throw new IpcPreambleException(IpcFailure.AccessRejected, $"Access Rejected: {endpoint} sent no challenge, so its access check is off while this client has a secret. Unset NCS_IPC_ACCESS_FILE, or turn the daemon's check on.");
        }

        var challenge = new byte[useV1 ? 16 : 32];
        await ReadExactlyAsync(stream, challenge, endpoint, false, cancellationToken);
        byte[] material = [.. secret, .. challenge];
#pragma warning disable CA5351 // NSO's v1 challenge is defined with MD5; v2 (SHA-256) is the default here.
        byte[] answer = [AnswerTag, .. useV1 ? MD5.HashData(material) : SHA256.HashData(material)];
#pragma warning restore CA5351
        await stream.WriteAsync(answer, cancellationToken);
        var verdict = await stream.ReadAsync(tag, cancellationToken);
        if (verdict != 1 || tag[0] != 0)
        {
            throw new IpcPreambleException(IpcFailure.AccessRejected, $"Access Rejected: {endpoint} refused the answer to its challenge. NCS_IPC_ACCESS_FILE must name the daemon's own secret file.");
        }
    }

    private static async Task ReadExactlyAsync(Stream stream, Memory<byte> buffer, NsoIpcEndpoint endpoint, bool closeMeansRejected, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        catch (EndOfStreamException ex)
        {
            throw new IpcPreambleException(
                IpcFailure.AccessRejected,
                closeMeansRejected
                    ? $"Access Rejected: {endpoint} closed the connection without a reply: its access check is probably on, or the daemon is stopping. Set NCS_IPC_ACCESS_FILE to its secret file if the check is on."
                    : $"Access Rejected: {endpoint} closed the connection during the preamble.",
                ex);
        }
    }
}
