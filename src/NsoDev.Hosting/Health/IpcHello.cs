using System.Buffers.Binary;

namespace NsoDev.Hosting.Health;

/// <summary>
/// The library clients' IPC preamble (NSO-FACTS section 4), without the access check.
/// Client → daemon, 9 bytes: <c>[clientId][protoVsn:u16][libVsn:u32][0][0]</c>, e.g. MAAPI on 6.5:
/// <c>07 00 55 06 05 00 00 00 00</c>. Daemon → client, 9 bytes:
/// <c>[status][protoVsn:u16][serverVsn:u32][maxDepth][maxKeyLen]</c>; status 0 is OK.
/// </summary>
internal static class IpcHello
{
    public const byte MaapiClientId = 7;
    public const int Length = 9;

    /// <summary>The Python library's protocol version per release: 85 in 6.5, 86 in 6.6, 87 in 6.7.</summary>
    public static ushort ProtocolVersion(int major, int minor) => (major, minor) switch
    {
        (6, >= 7) or (> 6, _) => 87,
        (6, 6) => 86,
        _ => 85,
    };

    public static byte[] Request(byte clientId, ushort protocolVersion, int major, int minor)
    {
        var hello = new byte[Length];
        hello[0] = clientId;
        BinaryPrimitives.WriteUInt16BigEndian(hello.AsSpan(1), protocolVersion);
        BinaryPrimitives.WriteUInt32BigEndian(hello.AsSpan(3), (uint)((major << 24) | (minor << 16)));
        return hello;
    }

    /// <summary>Reads the daemon's reply: null when it is OK, else what went wrong.</summary>
    public static string? CheckReply(ReadOnlySpan<byte> reply) => reply[0] switch
    {
        0 or 2 => null,
        1 => $"protocol version incompatible (the daemon speaks {BinaryPrimitives.ReadUInt16BigEndian(reply[1..])})",
        var status => $"unexpected IPC status byte {status}",
    };
}
