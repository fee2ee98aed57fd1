using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using NsoDev.Hosting.Lifecycle;

namespace NsoDev.Hosting.Health;

/// <summary>
/// A library client's IPC preamble (NSO-FACTS section 4), with the v2 access check when a secret is given.
/// <code>
/// client: [clientId|0xC0]                     (0x80|0x40 asks for a v2 challenge; plain clientId asks none)
/// daemon: [11][32-byte challenge]             (only when asked)
/// client: [12][SHA-256(secret ‖ challenge)]
/// daemon: [0]                                 (the answer was right)
/// client: [protoVsn:u16][libVsn:u32][0][0]    e.g. 00 55 06 05 00 00 00 00 for 6.5
/// daemon: [status][protoVsn:u16][serverVsn:u32][maxDepth][maxKeyLen]; status 0 is OK
/// </code>
/// </summary>
internal static class IpcHello
{
    public const byte MaapiClientId = 7;
    public const int ReplyLength = 9;
    private const byte ChallengeV2 = 0x80 | 0x40;
    private const byte ChallengeTag = 11;
    private const byte AnswerTag = 12;

    /// <summary>The Python library's protocol version per release: 85 in 6.5, 86 in 6.6, 87 in 6.7.</summary>
    public static ushort ProtocolVersion(int major, int minor) => (major, minor) switch
    {
        (6, >= 7) or (> 6, _) => 87,
        (6, 6) => 86,
        _ => 85,
    };

    /// <summary>Connects to <paramref name="endpoint"/> and completes the preamble; returns null when it succeeded, else the problem.</summary>
    public static async Task<string?> HandshakeAsync(IpcEndpoint endpoint, byte[]? secret, int major, int minor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var socket = endpoint switch
        {
            IpcEndpoint.UnixSocket => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),
            _ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp),
        };
        EndPoint address = endpoint switch
        {
            IpcEndpoint.UnixSocket unix => new UnixDomainSocketEndPoint(unix.Path),
            IpcEndpoint.Tcp tcp => new IPEndPoint(IPAddress.Parse(tcp.Address), tcp.Port),
            _ => throw new ArgumentException($"Unknown IPC endpoint {endpoint}.", nameof(endpoint)),
        };
        await socket.ConnectAsync(address, cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);

        await stream.WriteAsync(new[] { secret is null ? MaapiClientId : (byte)(MaapiClientId | ChallengeV2) }, cancellationToken);
        if (secret is not null && await AnswerChallengeAsync(stream, secret, cancellationToken) is { } rejected)
        {
            return rejected;
        }

        var hello = new byte[8];
        BinaryPrimitives.WriteUInt16BigEndian(hello, ProtocolVersion(major, minor));
        BinaryPrimitives.WriteUInt32BigEndian(hello.AsSpan(2), (uint)((major << 24) | (minor << 16)));
        await stream.WriteAsync(hello, cancellationToken);
        var reply = new byte[ReplyLength];
        await stream.ReadExactlyAsync(reply, cancellationToken);
        return CheckReply(reply);
    }

    /// <summary>Reads the daemon's 9-byte reply: null when it is OK, else what went wrong.</summary>
    public static string? CheckReply(ReadOnlySpan<byte> reply) => reply[0] switch
    {
        0 or 2 => null,
        1 => $"protocol version incompatible (the daemon speaks {BinaryPrimitives.ReadUInt16BigEndian(reply[1..])})",
        var status => $"unexpected IPC status byte {status}",
    };

    private static async Task<string?> AnswerChallengeAsync(Stream stream, byte[] secret, CancellationToken cancellationToken)
    {
        var tag = new byte[1];
        await stream.ReadExactlyAsync(tag, cancellationToken);
        if (tag[0] != ChallengeTag)
        {
            return "Access Rejected: the daemon sent no challenge (is its access check off?)";
        }

        var challenge = new byte[32];
        await stream.ReadExactlyAsync(challenge, cancellationToken);
        var answer = new byte[33];
        answer[0] = AnswerTag;
        SHA256.HashData([.. secret, .. challenge], answer.AsSpan(1));
        await stream.WriteAsync(answer, cancellationToken);
        var verdict = await stream.ReadAsync(tag, cancellationToken);
        return verdict == 1 && tag[0] == 0 ? null : "Access Rejected: the daemon refused the answer to its challenge (wrong secret?)";
    }
}
