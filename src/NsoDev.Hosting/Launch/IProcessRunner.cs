
namespace NsoDev.Hosting.Launch;

/// <summary>Runs processes; tests replace it with a fake that records calls and plays back results.</summary>
internal interface IProcessRunner
{
    /// <summary>
    /// False where daemons cannot get a session of their own (no util-linux <c>setsid</c>, as on macOS):
    /// a terminal's Ctrl-C then reaches NSO too, which must not get SIGINT.
    /// </summary>
    bool StartsDaemonsInOwnSession { get; }

    /// <summary>Runs a command to its end and captures its output.</summary>
    Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a daemon in a session of its own, so a terminal's Ctrl-C (SIGINT to the foreground
    /// process group) reaches only the app host. Its stdin stays open until <see cref="IDaemonProcess.CloseStandardInput"/>.
    /// </summary>
    IDaemonProcess StartDaemon(ProcessSpec spec, Action<OutputLine> onOutput);

    /// <summary>
    /// Starts a daemon that may outlive this app host (a persistent instance): in a session of its own,
    /// with stdin from /dev/null and its output appended to <paramref name="output"/>'s files, which are
    /// followed into <paramref name="onOutput"/> while this app host watches it. No pipe ties it to this process.
    /// </summary>
    IDaemonProcess StartDetachedDaemon(ProcessSpec spec, DaemonOutputFiles output, Action<OutputLine> onOutput);

    /// <summary>
    /// Watches a daemon an earlier app host started, by its pid. Its output is followed from the files
    /// it appends to. Its exit code cannot be read (it is not this process's child).
    /// </summary>
    /// <exception cref="ArgumentException">No process <paramref name="pid"/> runs.</exception>
    IDaemonProcess AdoptDaemon(int pid, DaemonOutputFiles output, Action<OutputLine> onOutput);
}

/// <summary>Where a detached daemon's stdout and stderr go.</summary>
internal sealed record DaemonOutputFiles(string StandardOutput, string StandardError);

/// <summary>A running daemon.</summary>
internal interface IDaemonProcess : IAsyncDisposable
{
    int ProcessId { get; }

    /// <summary>Completes with the exit code when the process ends.</summary>
    Task<int> Exited { get; }

    /// <summary>Sends EOF on stdin, which stops a daemon started with --stop-on-eof.</summary>
    void CloseStandardInput();

    /// <summary>Kills the process; the last resort after a clean stop timed out.</summary>
    void Kill();

    /// <summary>Stops watching a daemon that is left running for the next app host: its output is no longer followed, and it is not killed.</summary>
    ValueTask ReleaseAsync();
}
