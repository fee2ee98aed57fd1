using System.Buffers.Binary;
using System.Text;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>
/// Reads the data types of RFC 4251 section 5 from one payload. Running off the end is a
/// protocol error, never an index exception, so a truncated message ends only its connection.
/// </summary>
internal ref struct SshReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte() => Take(1)[0];

    public bool ReadBoolean() => ReadByte() != 0;

    // 00 00 01 00 -> 256
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    // 00 00 00 03 61 62 63 -> "abc" (a string is a uint32 length, then that many bytes)
    public ReadOnlySpan<byte> ReadBinary()
    {
        var length = ReadUInt32();
        if (length > Remaining)
        {
            throw new SshProtocolException($"a string of {length} bytes runs past the end of the message ({Remaining} bytes left)");
        }

        return Take((int)length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBinary());

    // 00 00 00 09 "zlib,none" -> ["zlib", "none"]; an empty string is an empty list.
    public string[] ReadNameList()
    {
        var text = Encoding.ASCII.GetString(ReadBinary());
        return text.Length == 0 ? [] : text.Split(',');
    }

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw new SshProtocolException($"message truncated: needed {count} more bytes, {Remaining} left");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
