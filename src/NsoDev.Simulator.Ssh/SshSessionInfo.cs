using System.Net;

namespace NsoDev.Simulator.Ssh;

/// <summary>Who a session channel belongs to.</summary>
/// <param name="User">The user name that logged in.</param>
/// <param name="Remote">The client's address, when the transport knows it.</param>
/// <param name="ChannelId">This server's number for the channel, unique among the connection's open channels.</param>
public sealed record SshSessionInfo(string User, IPEndPoint? Remote, int ChannelId);
