using System.Buffers.Binary;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// What a library client sends first, all 9 bytes in one write (docs/NSO-NOTES.md §4): the client id
/// byte with the challenge flags, protocol version (uint16 BE), library version (uint32 BE), and two
/// bytes the C library fills with its limits (max depth, max key length) and Java leaves 0. Samples
/// from NSO 6.2.5: CDB from <c>ncs_cmd</c> <c>05 0052 08020500 3c 12</c> (the library version is the
/// embedded ConfD release, 8.2.5), MAAPI from Java <c>c7 0052 08020500 00 00</c>. The daemon accepts
/// any library version and limits. <c>ncs_cli</c> (id 4) and the NETCONF subsystem (id 12) send the
/// first byte alone.
/// </summary>
internal readonly record struct IpcHello(IpcClientId ClientId, IpcChallengeRequest Challenge, ushort ProtocolVersion, uint LibraryVersion, byte MaxDepth = 0, byte MaxKeyLength = 0)
{
    public const int Length = 9;

    private const byte ChallengeFlag = 0x80;
    private const byte ChallengeV2Flag = 0x40;

    public static (IpcClientId ClientId, IpcChallengeRequest Challenge) DecodeFirstByte(byte first)
    {
        var challenge = (first & ChallengeFlag) == 0 ? IpcChallengeRequest.None
            : (first & ChallengeV2Flag) == 0 ? IpcChallengeRequest.V1Md5
            : IpcChallengeRequest.V2Sha256;
        var id = challenge == IpcChallengeRequest.None ? first : first & ~(ChallengeFlag | ChallengeV2Flag);
        return ((IpcClientId)id, challenge);
    }

    /// <param name="first">The client id byte, flags included.</param>
    /// <param name="rest">The 8 bytes after it.</param>
    public static IpcHello Decode(byte first, ReadOnlySpan<byte> rest)
    {
        var (id, challenge) = DecodeFirstByte(first);
        return new IpcHello(id, challenge, BinaryPrimitives.ReadUInt16BigEndian(rest), BinaryPrimitives.ReadUInt32BigEndian(rest[2..]), rest[6], rest[7]);
    }

    public byte[] Encode()
    {
        var bytes = new byte[Length];
        bytes[0] = (byte)((byte)ClientId | Challenge switch
        {
            IpcChallengeRequest.V1Md5 => ChallengeFlag,
            IpcChallengeRequest.V2Sha256 => ChallengeFlag | ChallengeV2Flag,
            _ => 0,
        });
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), ProtocolVersion);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(3), LibraryVersion);
        bytes[7] = MaxDepth;
        bytes[8] = MaxKeyLength;
        return bytes;
    }
}

/// <summary>The flags on the client id byte: 0x80 asks for a v1 challenge, 0x80|0x40 for v2.</summary>
internal enum IpcChallengeRequest
{
    None,
    V1Md5,
    V2Sha256,
}
