using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>Writes the data types of RFC 4251 section 5 into one payload.</summary>
internal sealed class SshWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public SshWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    /// <summary>A payload that starts with its message number.</summary>
    public static SshWriter Message(byte messageNumber, int initialCapacity = 256)
    {
        var writer = new SshWriter(initialCapacity);
        writer.WriteByte(messageNumber);
        return writer;
    }

    public SshWriter WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public SshWriter WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public SshWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public SshWriter WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public SshWriter WriteBinary(ReadOnlySpan<byte> bytes) => WriteUInt32((uint)bytes.Length).WriteRaw(bytes);

    public SshWriter WriteString(string text) => WriteBinary(Encoding.UTF8.GetBytes(text));

    public SshWriter WriteNameList(IEnumerable<string> names) => WriteString(string.Join(',', names));

    /// <summary>
    /// An unsigned big-endian integer as an mpint: no leading zero bytes, except one when the
    /// high bit is set, so that it does not read as negative (80 -> 00 00 00 02 00 80).
    /// </summary>
    public SshWriter WriteMpint(ReadOnlySpan<byte> unsignedBigEndian)
    {
        var value = unsignedBigEndian.TrimStart((byte)0);
        if (value.Length > 0 && value[0] >= 0x80)
        {
            return WriteUInt32((uint)value.Length + 1).WriteByte(0).WriteRaw(value);
        }

        return WriteBinary(value);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
