using System.Buffers.Binary;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The daemon's 9-byte answer to a library client (NSO-NOTES §4):
/// <c>[status][protoVsn:uint16 BE][serverVsn:uint32 BE][maxDepth][maxKeyLen]</c>.
/// Sample, an NSO 6.5 daemon accepting: <c>00 00 55 08 05 00 00 14 09</c>.
/// </summary>
internal readonly record struct IpcHelloReply(IpcHelloStatus Status, ushort ProtocolVersion, uint ServerVersion, byte MaxDepth, byte MaxKeyLength)
{
    public const int Length = 9;

    /// <summary>The oldest client protocol the simulated daemon still talks to.</summary>
    public const ushort OldestProtocolVersion = 60;

    public const byte DefaultMaxDepth = 20;

    public const byte DefaultMaxKeyLength = 9;

    /// <summary>A daemon refuses clients newer than itself, and ones older than <see cref="OldestProtocolVersion"/>.</summary>
    public static IpcHelloReply For(NsoVersion daemon, ushort clientProtocolVersion)
    {
        var compatible = clientProtocolVersion is >= OldestProtocolVersion && clientProtocolVersion <= daemon.ProtocolVersion;
        return new IpcHelloReply(
            compatible ? IpcHelloStatus.Ok : IpcHelloStatus.ProtocolVersionIncompatible,
            daemon.ProtocolVersion,
            daemon.PackedVersion,
            DefaultMaxDepth,
            DefaultMaxKeyLength);
    }

    public static IpcHelloReply Decode(ReadOnlySpan<byte> bytes) =>
        new(
            (IpcHelloStatus)bytes[0],
            BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[3..]),
            bytes[7],
            bytes[8]);

    public byte[] Encode()
    {
        var bytes = new byte[Length];
        bytes[0] = (byte)Status;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), ProtocolVersion);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(3), ServerVersion);
        bytes[7] = MaxDepth;
        bytes[8] = MaxKeyLength;
        return bytes;
    }
}

internal enum IpcHelloStatus : byte
{
    Ok = 0,
    ProtocolVersionIncompatible = 1,
    DepthOrKeyLengthWarning = 2,
}
