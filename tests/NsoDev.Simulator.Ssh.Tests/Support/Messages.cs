using System.Text;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Support;

/// <summary>Readers for the server messages that tests look into.</summary>
internal static class Messages
{
    public static (DisconnectReason Reason, string Description) Disconnect(SshPacket packet)
    {
        var reader = Open(packet, SshMessage.Disconnect);
        return ((DisconnectReason)reader.ReadUInt32(), reader.ReadString());
    }

    public static string Data(SshPacket packet)
    {
        var reader = Open(packet, SshMessage.ChannelData);
        reader.ReadUInt32();
        return Encoding.UTF8.GetString(reader.ReadBinary());
    }

    public static (string Type, uint Status) ExitStatus(SshPacket packet)
    {
        var reader = Open(packet, SshMessage.ChannelRequest);
        reader.ReadUInt32();
        var type = reader.ReadString();
        Assert.False(reader.ReadBoolean());
        return (type, reader.ReadUInt32());
    }

    public static (uint Reason, string Description) OpenFailure(SshPacket packet)
    {
        var reader = Open(packet, SshMessage.ChannelOpenFailure);
        reader.ReadUInt32();
        return (reader.ReadUInt32(), reader.ReadString());
    }

    public static (string[] Methods, bool Partial) UserAuthFailure(SshPacket packet)
    {
        var reader = Open(packet, SshMessage.UserAuthFailure);
        return (reader.ReadNameList(), reader.ReadBoolean());
    }

    /// <summary>The recipient, then the second uint32: a window adjust's bytes, UNIMPLEMENTED's sequence number.</summary>
    public static uint SecondUInt32(SshPacket packet)
    {
        var reader = new SshReader(packet.Payload.Span);
        reader.ReadByte();
        if (packet.MessageNumber == SshMessage.Unimplemented)
        {
            return reader.ReadUInt32();
        }

        reader.ReadUInt32();
        return reader.ReadUInt32();
    }

    private static SshReader Open(SshPacket packet, byte number)
    {
        Assert.Equal(number, packet.MessageNumber);
        var reader = new SshReader(packet.Payload.Span);
        reader.ReadByte();
        return reader;
    }
}
