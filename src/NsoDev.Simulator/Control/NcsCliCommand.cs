using System.Net;
using System.Net.Sockets;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Control;

/// <summary>
/// <c>nso-sim ncs_cli</c>: ncs_cli(1) as scripts use it, e.g. the HA example's
/// <c>printf 'ha-raft create-cluster member [ ncsd2@127.0.0.1 ]\n' | ncs_cli -nsCu admin -g admin</c>. Each input line
/// goes to the daemon over the IPC port as a SimControl request (the access check included), runs in the daemon's
/// C-style CLI, and its output is printed. Exit codes as ncs_cli(1) lists them: 0 at the end of the input, 8 when
/// <c>-s</c> stopped at an error; 1 when the daemon cannot be reached (ours; no public source gives it).
/// </summary>
internal sealed class NcsCliCommand(NsoVersion version, Func<string, string?> getVariable, TextReader stdin, TextWriter stdout, TextWriter stderr)
{
    public const int StoppedOnError = 8;

    /// <summary>Bounds one line; an ha-raft action itself gives up within <see cref="Cli.HaRaftCliCommands.ActionTimeout"/>.</summary>
    public static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(60);

    public async Task<int> RunAsync(NcsCliCommandLine line, byte[]? secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Help)
        {
            await stdout.WriteLineAsync(NcsCliCommandLine.Usage);
            return NcsExitCode.Ok;
        }

        var endpoint = Endpoint(line);
        var user = line.User ?? Environment.UserName;
        using var input = line.File is { } file ? OpenFile(file) : null;
        var reader = input ?? stdin;
        SimControlClient client;
        try
        {
            client = await SimControlClient.ConnectAsync(endpoint, version, secret, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            await stderr.WriteLineAsync($"ncs_cli: cannot connect to the daemon at {endpoint}: {e.Message}; start it, or point -S/NCS_IPC_PATH or -P/NCS_IPC_PORT at its IPC endpoint");
            return NcsExitCode.InternalError;
        }
        catch (IpcAccessRejectedException e)
        {
            await stderr.WriteLineAsync($"ncs_cli: Access Rejected: {e.Message}");
            return NcsExitCode.InternalError;
        }
        catch (IpcProtocolException e)
        {
            await stderr.WriteLineAsync($"ncs_cli: {e.Message}");
            return NcsExitCode.InternalError;
        }

        await using (client)
        {
            // ReadLineAsync returns null when stdin closes, so a closed pipe ends the loop.
            while (await reader.ReadLineAsync(cancellationToken) is { } text)
            {
                var command = Translate(text.Trim(), line.JuniperStyle);
                if (command.Length == 0 || command.StartsWith('!') || command.StartsWith('#'))
                {
                    continue;
                }

                if (line.Interactive)
                {
                    await stdout.WriteLineAsync($"{user}@ncs# {command}");
                }

                if (command is "exit" or "quit")
                {
                    break;
                }

                string reply;
                try
                {
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    limit.CancelAfter(LineTimeout);
                    reply = await client.RequestAsync(CliRequest.Format(user, command), limit.Token);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
                {
                    await stderr.WriteLineAsync($"ncs_cli: the daemon did not answer '{command}': {e.Message}");

                    // ncs_cli(1): 7, the daemon abruptly closed the socket.
                    return 7;
                }

                var (failed, lines) = CliRequest.ParseReply(reply);
                foreach (var output in lines)
                {
                    await stdout.WriteLineAsync(output);
                }

                if (failed && line.StopOnError)
                {
                    return StoppedOnError;
                }
            }
        }

        await stdout.FlushAsync(cancellationToken);
        return NcsExitCode.Ok;
    }

    /// <summary>-S, NCS_IPC_PATH, then -A/-P over NCS_IPC_ADDR/NCS_IPC_PORT: a flag wins over its variable (ncs_cli(1)).</summary>
    /// <exception cref="NcsUsageException">-A is not an IP address.</exception>
    public IpcEndpoint Endpoint(NcsCliCommandLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.SocketPath is { Length: > 0 } socket)
        {
            return new LocalIpcEndpoint(Path.GetFullPath(socket));
        }

        if (line.Address is null && line.Port is null && NcsIpcEnvironment.LocalPath(getVariable) is { } path)
        {
            return new LocalIpcEndpoint(path);
        }

        IPAddress address;
        if (line.Address is { } text)
        {
            address = IPAddress.TryParse(text, out var parsed) ? parsed : throw new NcsUsageException($"ncs_cli: -A {text}: not an IP address; give the daemon's IPC address, e.g. -A 127.0.0.1");
        }
        else
        {
            address = NcsIpcEnvironment.Address(getVariable) ?? IPAddress.Loopback;
        }

        return new TcpIpcEndpoint(new IPEndPoint(address, line.Port ?? NcsIpcEnvironment.Port(getVariable) ?? NcsIpcEnvironment.DefaultPort));
    }

    /// <summary>In J style an action starts with <c>request</c>; the C-style CLI runs it without.</summary>
    private static string Translate(string command, bool juniperStyle) =>
        juniperStyle && command.StartsWith("request ", StringComparison.Ordinal) ? command["request ".Length..].Trim() : command;

    private static StreamReader OpenFile(string file)
    {
        try
        {
            return new StreamReader(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NcsUsageException($"ncs_cli: cannot read {file}: {e.Message}");
        }
    }
}
