using System.Runtime.InteropServices;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// Why the daemon stops. Clean stops (<c>ncs --stop</c>, EOF on stdin) close everything and exit 0;
/// signals are abrupt, as in NSO, which must not be stopped with SIGINT (NSO-NOTES §2).
/// </summary>
internal sealed record StopRequest(bool Clean, string Reason, int ExitCode)
{
    public static StopRequest ByControl { get; } = new(true, "--stop", NcsExitCode.Ok);

    public static StopRequest ByEndOfInput { get; } = new(true, "EOF on stdin", NcsExitCode.Ok);

    public static StopRequest BySignal(PosixSignal signal) =>
        signal == PosixSignal.SIGINT
            ? new(false, "SIGINT", NcsExitCode.SigInt)
            : new(false, "SIGTERM", NcsExitCode.SigTerm);

    /// <summary>The ncs.log line: "Stopping (clean shutdown: --stop)" or "Stopping (unclean shutdown (SIGTERM))".</summary>
    public string LogMessage => Clean ? $"Stopping (clean shutdown: {Reason})" : $"Stopping (unclean shutdown ({Reason}))";
}
