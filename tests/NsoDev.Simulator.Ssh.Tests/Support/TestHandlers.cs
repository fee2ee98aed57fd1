using System.Collections.Concurrent;

namespace NsoDev.Simulator.Ssh.Tests.Support;

using Handler = Func<Stream, CancellationToken, Task<int>>;

/// <summary>Channel handlers looked up by command and subsystem name; anything else is refused.</summary>
internal sealed class TestHandlers : ISshChannelHandlers
{
    public ConcurrentDictionary<string, Handler> Commands { get; } = new();

    public ConcurrentDictionary<string, Handler> Subsystems { get; } = new();

    public Handler? ShellHandler { get; set; }

    public ConcurrentQueue<SshSessionInfo> Sessions { get; } = new();

    public Handler? Subsystem(string name, SshSessionInfo session) => Record(Subsystems.GetValueOrDefault(name), session);

    public Handler? Shell(SshSessionInfo session) => Record(ShellHandler, session);

    public Handler? Exec(string command, SshSessionInfo session) => Record(Commands.GetValueOrDefault(command), session);

    /// <summary>A handler that writes <paramref name="text"/> and exits with <paramref name="status"/>.</summary>
    public static Handler Writes(string text, int status = 0) => async (stream, ct) =>
    {
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct);
        return status;
    };

    /// <summary>A handler that copies the client's data back until the client's EOF.</summary>
    public static Handler Echo { get; } = async (stream, ct) =>
    {
        await stream.CopyToAsync(stream, ct);
        return 0;
    };

    private Handler? Record(Handler? handler, SshSessionInfo session)
    {
        Sessions.Enqueue(session);
        return handler;
    }
}
