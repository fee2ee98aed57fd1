namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>One received payload and the sequence number it arrived with (for SSH_MSG_UNIMPLEMENTED).</summary>
internal readonly record struct SshPacket(ReadOnlyMemory<byte> Payload, uint Sequence)
{
    public byte MessageNumber => Payload.Span[0];
}
