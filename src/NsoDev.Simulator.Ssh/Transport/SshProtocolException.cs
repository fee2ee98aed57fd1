namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>
/// The peer broke the protocol. It ends that one connection, with an SSH_MSG_DISCONNECT that
/// carries <see cref="Reason"/> and the message.
/// </summary>
internal sealed class SshProtocolException : Exception
{
    public SshProtocolException()
        : this(DisconnectReason.ProtocolError, "protocol error")
    {
    }

    public SshProtocolException(string message)
        : this(DisconnectReason.ProtocolError, message)
    {
    }

    public SshProtocolException(string message, Exception innerException)
        : base(message, innerException) => Reason = DisconnectReason.ProtocolError;

    public SshProtocolException(DisconnectReason reason, string message)
        : base(message) => Reason = reason;

    public DisconnectReason Reason { get; }
}
