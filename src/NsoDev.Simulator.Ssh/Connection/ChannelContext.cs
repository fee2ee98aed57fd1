using System.Net;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Connection;

/// <summary>What every channel of one authenticated connection shares.</summary>
internal sealed record ChannelContext(
    SshTransport Transport,
    ISshChannelHandlers Handlers,
    string User,
    IPEndPoint? Remote,
    AuditLog Log,
    CancellationToken Connection);
