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
/// A library client's IPC preamble (docs/NSO-NOTES.md §4), with the access check when a secret is
/// given. The whole hello goes first, in one write; only then does the daemon challenge:
/// <code>
/// client: [clientId | 0xC0][protoVsn:u16][libVsn:u32][0][0]   e.g. c7 0055 08050000 00 00 (MAAPI, v2, protocol 85, NSO 6.5 = ConfD 8.5);
///                                                             0x80 alone asks for v1 (MD5), no flag for no challenge
/// daemon: [11][challenge]                 32 bytes for v2, 16 for v1; only when asked
/// client: [12][H(secret ‖ challenge)]     a plain hash of the access file's bytes, then the challenge
/// daemon: [0]                             the verdict: right (3: wrong, then close)
/// daemon: [status][protoVsn:u16][serverVsn:u32][maxDepth][maxKeyLen]; status 0 OK, 1 incompatible, 2 warning
/// </code>
/// A daemon whose check is on answers a hello that asked for no challenge with a rejection where the
/// reply's status byte would be.
/// </summary>
public static class IpcPreamble
{
    /// <summary>The length of the daemon's hello reply.</summary>
    public const int ReplyLength = 9;

    private const int HelloLength = 9;

    /// <summary>NSO's C library reads at most this many bytes of the access file (and stops at a NUL).</summary>
    private const int CLibrarySecretLimit = 1007;

    private const byte AskV1 = 0x80;
    private const byte AskV2 = 0x80 | 0x40;
    private const byte ChallengeTag = 11;
    private const byte AnswerTag = 12;

    /// <summary>Connects and completes the preamble; the returned socket is ready for framed requests.</summary>
    /// <remarks>nso-sim serves no framed requests: it closes a MAAPI or CDB connection soon after the preamble.</remarks>
    /// <param name="options">The endpoint, client id, release and secret.</param>
    /// <param name="cancellationToken">Cancels the attempt; a cancelled attempt is a <see cref="IpcFailure.Timeout"/>.</param>
    /// <returns>The connected socket.</returns>
    public static async Task<Socket> ConnectAsync(IpcConnectOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (endpoint, clientType, secret, useV1, protocolVersion) = (options.Endpoint, options.ClientType, options.Secret, options.UseV1, options.AnnouncedProtocolVersion);
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
            var hello = new byte[HelloLength];
            hello[0] = (byte)((byte)clientType | flags);
            BinaryPrimitives.WriteUInt16BigEndian(hello.AsSpan(1), protocolVersion);
            BinaryPrimitives.WriteUInt32BigEndian(hello.AsSpan(3), options.AnnouncedLibraryVersion);

            // One write, as NSO's libraries do: the daemon reads all 9 bytes before it challenges or rejects.
            await stream.WriteAsync(hello, cancellationToken);
            if (secret is not null)
            {
                await AnswerChallengeAsync(stream, useV1 ? CLibrarySecret(secret) : secret, useV1, endpoint, cancellationToken);
            }

            // The status byte first: a rejection is that one byte, and the daemon waits for this side to close.
            var reply = new byte[ReplyLength];
            await ReadExactlyAsync(stream, reply.AsMemory(0, 1), endpoint, secret is null, cancellationToken);
            if (reply[0] is not (0 or 1 or 2))
            {
                throw new IpcPreambleException(IpcFailure.AccessRejected, $"Access Rejected by {endpoint} (status {reply[0]}): the daemon's access check is on. Give this client the daemon's secret file (NCS_IPC_ACCESS_FILE, or AccessFile= in its connection string).");
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
            throw new IpcPreambleException(IpcFailure.AccessRejected, $"Access Rejected: {endpoint} sent no challenge, so its access check is off while this client has a secret. Take the secret file away from this client (NCS_IPC_ACCESS_FILE, or AccessFile= in its connection string), or turn the daemon's check on.");
        }

        var challenge = new byte[useV1 ? 16 : 32];
        await ReadExactlyAsync(stream, challenge, endpoint, false, cancellationToken);
        byte[] material = [.. secret, .. challenge];
#pragma warning disable CA5351 // NSO's v1 challenge is defined with MD5; v2 (SHA-256) is the default here.
        byte[] answer = [AnswerTag, .. useV1 ? MD5.HashData(material) : SHA256.HashData(material)];
#pragma warning restore CA5351
        await stream.WriteAsync(answer, cancellationToken);
        var verdict = await stream.ReadAsync(tag, cancellationToken);
        if (verdict == 0)
        {
            throw new IpcPreambleException(IpcFailure.AccessRejected, $"Access Rejected: {endpoint} closed the connection without a verdict on the answer to its challenge.");
        }

        if (tag[0] != 0)
        {
            throw new IpcPreambleException(IpcFailure.AccessRejected, $"Access Rejected: {endpoint} refused the answer to its challenge. This client's secret file (NCS_IPC_ACCESS_FILE, or AccessFile= in its connection string) must be the daemon's own.");
        }
    }

    /// <summary>The secret as NSO's C library reads the access file: at most 1007 bytes, and nothing from a NUL on.</summary>
    private static byte[] CLibrarySecret(byte[] file)
    {
        var length = Math.Min(file.Length, CLibrarySecretLimit);
        var nul = Array.IndexOf(file, (byte)0, 0, length);
        return nul < 0 && length == file.Length ? file : file[..(nul < 0 ? length : nul)];
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
                    ? $"Access Rejected: {endpoint} closed the connection without a reply: its access check is probably on, or the daemon is stopping. If the check is on, give this client the daemon's secret file (NCS_IPC_ACCESS_FILE, or AccessFile= in its connection string)."
                    : $"Access Rejected: {endpoint} closed the connection during the preamble.",
                ex);
        }
    }
}
