using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NsoDev.Simulator.HaRaft.Transport.Epmd;

/// <summary>
/// <c>nso-sim epmd [-port N] [-names | -daemon] [-idle-exit SECONDS]</c>: the simulator's epmd, with
/// Erlang epmd's <c>-port</c>, <c>-names</c> and <c>-daemon</c> and <c>ERL_EPMD_PORT</c> (NSO-NOTES §15).
/// <c>-idle-exit</c> is nso-sim's own: Erlang's epmd never exits by itself.
/// </summary>
internal static class EpmdCommand
{
    public const string Verb = "epmd";

    public const string Usage = "usage: nso-sim epmd [-port PORT] [-names | -daemon] [-idle-exit SECONDS]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, Func<string, string?> getVariable, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        int port;
        try
        {
            port = RaftTransportSettings.FromEnvironment(getVariable).EpmdPort;
        }
        catch (RaftTransportException e)
        {
            await stderr.WriteLineAsync("epmd: " + e.Message);
            return 1;
        }

        var idleExit = EpmdServer.DefaultIdleExit;
        var mode = "serve";
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-port" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535:
                    i++;
                    break;
                case "-idle-exit" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    idleExit = TimeSpan.FromSeconds(seconds);
                    i++;
                    break;
                case "-names" or "-daemon":
                    mode = args[i];
                    break;
                default:
                    await stderr.WriteLineAsync($"epmd: '{args[i]}' is not an option here (or lacks its number).\n{Usage}");
                    return 1;
            }
        }

        return mode switch
        {
            "-names" => await NamesAsync(port, stdout, stderr),
            "-daemon" => await DaemonAsync(port, stderr),
            _ => await ServeAsync(port, idleExit, stdout, stderr),
        };
    }

    private static async Task<int> ServeAsync(int port, TimeSpan idleExit, TextWriter stdout, TextWriter stderr)
    {
        EpmdServer server;
        try
        {
            server = EpmdServer.Start(port, TimeProvider.System, idleExit);
        }
        catch (SocketException e)
        {
            await stderr.WriteLineAsync(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"epmd: port {port} on 127.0.0.1 is in use, most likely by an epmd that runs already (nso-sim epmd -names -port {port} lists its nodes)."
                : $"epmd: cannot listen on 127.0.0.1:{port}: {e.Message}");
            return 1;
        }

        await using (server)
        {
            await stdout.WriteLineAsync($"{EpmdLauncher.ListeningLine}127.0.0.1:{server.Port} (pid {Environment.ProcessId})");
            await stdout.FlushAsync();
            await server.Idle;
        }

        return 0;
    }

    /// <summary>The output of Erlang's <c>epmd -names</c>: a status line, then one line a name.</summary>
    private static async Task<int> NamesAsync(int port, TextWriter stdout, TextWriter stderr)
    {
        EpmdNames names;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            names = await EpmdClient.NamesAsync(new IPEndPoint(IPAddress.Loopback, port), limit.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException or OperationCanceledException)
        {
            // Erlang's epmd -names says just this, on stderr, with exit code 1.
            await stderr.WriteLineAsync("epmd: Cannot connect to local epmd");
            return 1;
        }

        await stdout.WriteLineAsync($"epmd: up and running on port {names.EpmdPort} with data:");
        foreach (var (name, nodePort) in names.Nodes)
        {
            await stdout.WriteLineAsync($"name {name} at port {nodePort}");
        }

        return 0;
    }

    private static async Task<int> DaemonAsync(int port, TextWriter stderr)
    {
        try
        {
            await EpmdLauncher.StartDetachedAsync(port, CancellationToken.None);
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            await stderr.WriteLineAsync("epmd: " + e.Message);
            return 1;
        }
    }
}
