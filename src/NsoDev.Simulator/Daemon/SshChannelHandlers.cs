using NsoDev.Simulator.Cli;
using NsoDev.Simulator.Netconf;
using NsoDev.Simulator.Ssh;

namespace NsoDev.Simulator.Daemon;

/// <summary>NETCONF as the SSH subsystem <c>netconf</c>, as NSO's and ConfD's servers serve it; the instance and each netsim device use it.</summary>
internal sealed class NetconfOverSsh(NetconfServer netconf) : ISshChannelHandlers
{
    public Func<Stream, CancellationToken, Task<int>>? Subsystem(string name, SshSessionInfo session) =>
        name == "netconf" ? (channel, ct) => netconf.RunAsync(channel, session.User, ct) : null;

    public Func<Stream, CancellationToken, Task<int>>? Shell(SshSessionInfo session) => null;

    public Func<Stream, CancellationToken, Task<int>>? Exec(string command, SshSessionInfo session) => null;
}

/// <summary>The CLI over SSH: a shell session, or one command given as an SSH exec.</summary>
internal sealed class CliOverSsh(CliShell shell, CliExec exec) : ISshChannelHandlers
{
    public Func<Stream, CancellationToken, Task<int>>? Subsystem(string name, SshSessionInfo session) => null;

    public Func<Stream, CancellationToken, Task<int>>? Shell(SshSessionInfo session) => (channel, ct) => shell.RunAsync(channel, session.User, ct);

    public Func<Stream, CancellationToken, Task<int>>? Exec(string command, SshSessionInfo session) => (channel, ct) => exec.RunAsync(command, channel, session.User, ct);
}
