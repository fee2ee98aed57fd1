using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Connection;

/// <summary>
/// An SSH_MSG_CHANNEL_REQUEST (RFC 4254 section 5.4). <see cref="Argument"/> is the command of
/// an exec and the name of a subsystem; other requests' fields are not needed here.
/// </summary>
internal sealed record ChannelRequest(uint Recipient, string Type, bool WantReply, string? Argument)
{
    public const string Shell = "shell";
    public const string Exec = "exec";
    public const string Subsystem = "subsystem";

    // 62                          SSH_MSG_CHANNEL_REQUEST
    // 00 00 00 00                 recipient channel 0
    // 00 00 00 09 "subsystem"     request type
    // 01                          want reply
    // 00 00 00 07 "netconf"       type-specific data: here the subsystem name
    public static ChannelRequest Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        var recipient = reader.ReadUInt32();
        var type = reader.ReadString();
        var wantReply = reader.ReadBoolean();
        var argument = type is Exec or Subsystem ? reader.ReadString() : null;
        return new ChannelRequest(recipient, type, wantReply, argument);
    }

    /// <summary>Requests that change nothing here but are part of any interactive login.</summary>
    public bool IsAcceptedAndIgnored => Type is "pty-req" or "env" or "window-change";

    public bool StartsSession => Type is Shell or Exec or Subsystem;
}
