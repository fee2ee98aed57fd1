using System.Buffers.Binary;
using System.Text;

namespace NsoDev.Simulator.HaRaft.Transport.Epmd;

/// <summary>
/// The subset of the EPMD protocol a node uses (Erlang/OTP's "Distribution Protocol", NSO-NOTES §15):
/// every request is a u16 length and the request; integers are big-endian.
/// <code>
/// ALIVE2_REQ    00 12 | 78 | 11 2A (port 4394) | 4D (normal node) | 00 (TCP/IPv4) | 00 06 | 00 06 | 00 05 "ncsd1" | 00 00
/// ALIVE2_X_RESP 76 | 00 (ok) | 00 00 00 01 (creation)        ALIVE2_RESP 79 | 00 | 00 01
/// PORT_PLEASE2  00 06 | 7A "ncsd1"    PORT2_RESP 77 | 00 | 11 2A 4D 00 00 06 00 06 00 05 "ncsd1" 00 00   or 77 | 01
/// NAMES_REQ     00 01 | 6E            NAMES_RESP 00 00 11 11 (epmd's port) "name ncsd1 at port 4394\n" ...
/// </code>
/// </summary>
internal static class EpmdProtocol
{
    public const int DefaultPort = 4369;

    public const byte Alive2Request = 120;

    public const byte Alive2ExtendedResponse = 118;

    public const byte Alive2Response = 121;

    public const byte PortPlease2Request = 122;

    public const byte Port2Response = 119;

    public const byte NamesRequest = 110;

    /// <summary>NodeType 77: a normal Erlang node (72 is a hidden one).</summary>
    public const byte NormalNode = 77;

    /// <summary>Protocol 0: TCP over IPv4.</summary>
    public const byte TcpIpv4 = 0;

    /// <summary>The distribution version of OTP 23 and later; a node announcing it gets ALIVE2_X_RESP.</summary>
    public const ushort DistributionVersion = 6;

    /// <summary>The longest node name epmd keeps (its MAXSYMLEN).</summary>
    public const int MaxNameLength = 255;

    public static byte[] Alive2(EpmdNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var name = Encoding.UTF8.GetBytes(node.Name);
        var body = new byte[1 + 2 + 1 + 1 + 2 + 2 + 2 + name.Length + 2 + node.Extra.Length];
        body[0] = Alive2Request;
        WriteNodeTail(body.AsSpan(1), node, name);
        return Framed(body);
    }

    public static byte[] PortPlease2(string name) => Framed([PortPlease2Request, .. Encoding.UTF8.GetBytes(name)]);

    public static byte[] Names() => Framed([NamesRequest]);

    /// <summary>PortNo, NodeType, Protocol, versions, name and extra: the part ALIVE2_REQ and PORT2_RESP share.</summary>
    public static void WriteNodeTail(Span<byte> target, EpmdNode node, byte[] name)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(name);
        BinaryPrimitives.WriteUInt16BigEndian(target, (ushort)node.Port);
        target[2] = node.NodeType;
        target[3] = node.Protocol;
        BinaryPrimitives.WriteUInt16BigEndian(target[4..], node.HighestVersion);
        BinaryPrimitives.WriteUInt16BigEndian(target[6..], node.LowestVersion);
        BinaryPrimitives.WriteUInt16BigEndian(target[8..], (ushort)name.Length);
        name.CopyTo(target[10..]);
        BinaryPrimitives.WriteUInt16BigEndian(target[(10 + name.Length)..], (ushort)node.Extra.Length);
        node.Extra.CopyTo(target[(12 + name.Length)..]);
    }

    public static int NodeTailLength(EpmdNode node) => 2 + 1 + 1 + 2 + 2 + 2 + Encoding.UTF8.GetByteCount(node.Name) + 2 + node.Extra.Length;

    /// <summary>Reads what <see cref="WriteNodeTail"/> writes.</summary>
    /// <exception cref="InvalidDataException">The bytes are cut short or the name is not UTF-8 of 1 to 255 bytes.</exception>
    public static EpmdNode ReadNodeTail(ReadOnlySpan<byte> source)
    {
        if (source.Length < 12)
        {
            throw new InvalidDataException($"a node entry of {source.Length} bytes, shorter than its 12 fixed bytes");
        }

        var nameLength = BinaryPrimitives.ReadUInt16BigEndian(source[8..]);
        if (nameLength is 0 or > MaxNameLength || source.Length < 12 + nameLength)
        {
            throw new InvalidDataException($"a node name of {nameLength} bytes (1 to {MaxNameLength}, within the request)");
        }

        var extraLength = BinaryPrimitives.ReadUInt16BigEndian(source[(10 + nameLength)..]);
        if (source.Length < 12 + nameLength + extraLength)
        {
            throw new InvalidDataException($"an Extra field of {extraLength} bytes beyond the request's end");
        }

        return new EpmdNode(
            Name(source.Slice(10, nameLength)),
            BinaryPrimitives.ReadUInt16BigEndian(source),
            source[2],
            source[3],
            BinaryPrimitives.ReadUInt16BigEndian(source[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(source[6..]),
            source.Slice(12 + nameLength, extraLength).ToArray());
    }

    /// <exception cref="InvalidDataException">Not UTF-8, or empty, or longer than epmd keeps.</exception>
    public static string Name(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length is 0 or > MaxNameLength)
        {
            throw new InvalidDataException($"a node name of {bytes.Length} bytes (1 to {MaxNameLength})");
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException("a node name that is not UTF-8", e);
        }
    }

    private static byte[] Framed(byte[] body)
    {
        var framed = new byte[2 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)body.Length);
        body.CopyTo(framed, 2);
        return framed;
    }
}

/// <summary>A registered node as epmd holds it: the short name (the part before <c>@</c>) and its distribution port.</summary>
internal sealed record EpmdNode(string Name, int Port, byte NodeType, byte Protocol, ushort HighestVersion, ushort LowestVersion, byte[] Extra)
{
    public static EpmdNode Normal(string name, int port) =>
        new(name, port, EpmdProtocol.NormalNode, EpmdProtocol.TcpIpv4, EpmdProtocol.DistributionVersion, EpmdProtocol.DistributionVersion, []);
}
