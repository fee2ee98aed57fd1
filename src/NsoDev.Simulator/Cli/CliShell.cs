using System.Buffers;
using System.Text;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Cli;

/// <summary>
/// The interactive C-style CLI on an SSH shell channel (with a pty): prompt
/// <c>admin@ncs# </c> (NSO's c-prompt1 <c>\u@ncs# </c>), echo and minimal line editing
/// (<see cref="CliLineEditor"/>), the commands of <see cref="CliCommands"/>, CR LF line ends.
/// </summary>
internal sealed class CliShell
{
    private readonly CliCommands _commands;
    private readonly INorthboundLog _log;

    public CliShell(RunningDatastore datastore, INcsState state, INorthboundLog log, Devices.DeviceManager? devices = null, HaRaft.HaRaftNode? haRaft = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        _commands = new CliCommands(datastore, state, devices, haRaft);
        _log = log;
    }

    /// <summary>Serves one shell session until exit, quit, Ctrl-D, client EOF or the token.</summary>
    /// <param name="channel">Read: keystrokes from the client (0 at EOF). Write and flush: the screen.</param>
    /// <param name="user">The user the transport authenticated; it is shown in the prompt.</param>
    /// <param name="cancellationToken">Fires when the daemon stops.</param>
    /// <returns>The exit status: always 0.</returns>
    public async Task<int> RunAsync(Stream channel, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(user);
        var prompt = $"{user}@ncs# ";
        _log.Audit($"user: {user} CLI session started");
        try
        {
            await WriteAsync(channel, prompt, cancellationToken);
            var editor = new CliLineEditor();
            var echo = new ArrayBufferWriter<byte>();
            var buffer = new byte[1024];
            while (true)
            {
                var count = await channel.ReadAsync(buffer, cancellationToken);
                if (count == 0)
                {
                    return 0;
                }

                for (var i = 0; i < count; i++)
                {
                    var key = editor.Feed(buffer[i], echo);
                    if (key == CliKey.None)
                    {
                        continue;
                    }

                    await FlushEchoAsync(channel, echo, cancellationToken);
                    if (key == CliKey.EndOfInput)
                    {
                        return 0;
                    }

                    if (key == CliKey.Enter && await RunLineAsync(channel, editor.TakeLine(), user, prompt.Length, cancellationToken))
                    {
                        return 0;
                    }

                    await WriteAsync(channel, prompt, cancellationToken);
                }

                await FlushEchoAsync(channel, echo, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The daemon is stopping or the client went away.
            return 0;
        }
        finally
        {
            _log.Audit($"user: {user} CLI session ended");
        }
    }

    /// <summary>Runs one line; true when it ends the session.</summary>
    private async Task<bool> RunLineAsync(Stream channel, string line, string user, int column, CancellationToken cancellationToken)
    {
        if (line.Trim().Length == 0)
        {
            return false;
        }

        _log.Audit($"user: {user} CLI '{line.Trim()}'");
        var outcome = _commands.Run(line, column, user);
        if (outcome.Lines.Count > 0)
        {
            await WriteAsync(channel, string.Join("\r\n", outcome.Lines) + "\r\n", cancellationToken);
        }

        return outcome.Exit;
    }

    private static async Task FlushEchoAsync(Stream channel, ArrayBufferWriter<byte> echo, CancellationToken cancellationToken)
    {
        if (echo.WrittenCount == 0)
        {
            return;
        }

        await channel.WriteAsync(echo.WrittenMemory, cancellationToken);
        await channel.FlushAsync(cancellationToken);
        echo.ResetWrittenCount();
    }

    private static async Task WriteAsync(Stream channel, string text, CancellationToken cancellationToken)
    {
        await channel.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await channel.FlushAsync(cancellationToken);
    }
}
