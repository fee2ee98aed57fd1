using System.Diagnostics;
using System.Globalization;

namespace NsoDev.Simulator.HaRaft.Transport.Epmd;

/// <summary>
/// Starts <c>nso-sim epmd</c> detached, as an Erlang node starts <c>epmd -daemon</c> when none runs: in a
/// session of its own (<c>setsid -f</c>), so that stopping the node, or killing its process tree, leaves
/// epmd to the other nodes that registered with it.
/// </summary>
internal static class EpmdLauncher
{
    /// <summary>What <c>nso-sim epmd</c> prints once it listens: <c>epmd: listening on 127.0.0.1:4369 (pid 1234)</c>.</summary>
    public const string ListeningLine = "epmd: listening on ";

    private const string Setsid = "/usr/bin/setsid";

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(10);

    /// <summary>This nso-sim's epmd on <paramref name="port"/>, exiting after the default idle time.</summary>
    public static Task StartDetachedAsync(int port, CancellationToken cancellationToken)
    {
        var (program, leading) = Self();
        return StartDetachedAsync(program, leading, port, EpmdServer.DefaultIdleExit, cancellationToken);
    }

    /// <summary>
    /// Runs <c>PROGRAM LEADING... epmd -port PORT -idle-exit SECONDS</c> detached and waits for its first line.
    /// Returns its pid, or null when it did not listen (another epmd took the port first: the caller connects
    /// to that one).
    /// </summary>
    public static async Task<int?> StartDetachedAsync(string program, IReadOnlyList<string> leading, int port, TimeSpan idleExit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leading);
        var detached = File.Exists(Setsid);
        var start = new ProcessStartInfo(detached ? Setsid : program)
        {
            UseShellExecute = false,
            // Redirected, so that epmd holds none of the node's own output open after the node exits.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (detached)
        {
            start.ArgumentList.Add("-f");
            start.ArgumentList.Add(program);
        }

        foreach (var arg in leading)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(EpmdCommand.Verb);
        start.ArgumentList.Add("-port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("-idle-exit");
        start.ArgumentList.Add(((int)Math.Ceiling(idleExit.TotalSeconds)).ToString(CultureInfo.InvariantCulture));

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StartLimit);
        string? first;
        try
        {
            first = await process.StandardOutput.ReadLineAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            first = null;
        }

        return first is not null && first.StartsWith(ListeningLine, StringComparison.Ordinal) ? PidOf(first) : null;
    }

    /// <summary>The pid in <see cref="ListeningLine"/>'s <c>(pid N)</c>.</summary>
    public static int? PidOf(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var open = line.LastIndexOf("(pid ", StringComparison.Ordinal);
        var close = line.LastIndexOf(')');
        return open >= 0 && close > open && int.TryParse(line.AsSpan(open + 5, close - open - 5), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;
    }

    /// <summary>This nso-sim: the apphost or native build, or <c>dotnet nso-sim.dll</c> when it runs under the host.</summary>
    private static (string Program, IReadOnlyList<string> Leading) Self()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell where nso-sim is (no process path) to start epmd; start one (epmd -daemon, or nso-sim epmd) and run the node again.");
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, [Path.Combine(AppContext.BaseDirectory, "nso-sim.dll")])
            : (path, []);
    }
}
