
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
}

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
}
