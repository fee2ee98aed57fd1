using System.Diagnostics;

namespace NsoDev.SimBench;

/// <summary>
/// A running <c>nso-sim --foreground --stop-on-eof</c> daemon, started as an orchestrator would: spawn
/// it, then run <c>nso-sim --wait-started 10</c> against its IPC port until that succeeds.
/// </summary>
internal sealed class SimDaemon : IAsyncDisposable
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(10);
    private readonly ChildProcess _process;

    private SimDaemon(ChildProcess process, TimeSpan startup)
    {
        _process = process;
        Startup = startup;
    }

    public int Pid => _process.Id;

    /// <summary>From spawning the daemon to <c>--wait-started</c> exiting 0.</summary>
    public TimeSpan Startup { get; }

    /// <exception cref="InvalidOperationException">The daemon did not start; the message carries both processes' output.</exception>
    public static async Task<SimDaemon> StartAsync(SimRunDirectory run, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var process = NsoSim.Start(run.DaemonArgs);
        var (exitCode, output) = await NsoSim.RunAsync(["--wait-started", "10"], run.ClientEnvironment, CommandLimit, cancellationToken);
        var startup = clock.Elapsed;
        if (exitCode != 0)
        {
            process.Dispose();
            throw new InvalidOperationException($"nso-sim in {run.Path} did not start: --wait-started exited {exitCode}: {output}\ndaemon: {process.Output}");
        }

        return new SimDaemon(process, startup);
    }

    /// <summary>Closes stdin and returns how long the daemon took to exit; it is killed after 10 s.</summary>
    /// <exception cref="InvalidOperationException">The daemon did not stop in time, or stopped with an error.</exception>
    public async Task<TimeSpan> StopAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        _process.CloseStandardInput();
        var exitCode = await _process.WaitForExitAsync(StopLimit, cancellationToken);
        var elapsed = clock.Elapsed;
        _process.Dispose();
        return exitCode == 0
            ? elapsed
            : throw new InvalidOperationException($"nso-sim (pid {Pid}) did not stop cleanly on EOF: exit {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none, killed after 10 s"}: {_process.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.CloseStandardInput();
            await _process.WaitForExitAsync(StopLimit, CancellationToken.None);
        }

        _process.Dispose();
    }
}
