using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;

namespace NsoDev.Hosting.Stop;

/// <summary>
/// A daemon left running by an app host that was killed: found by the pid in its run directory's
/// state file, and stopped with <c>ncs --stop</c> (the state says how to reach it) before the new
/// plan is made, so it neither holds ports nor shares its CDB with a new daemon.
/// </summary>
internal sealed class OrphanedDaemon(IProcessRunner runner, ILogger logger)
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    public async Task StopIfRunningAsync(RunDirectory runDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        if (runDirectory.ReadState() is not { Pid: int pid } state || !IsDaemonOf(pid, runDirectory.Path))
        {
            return;
        }

        logger.LogWarning("Found daemon {Pid} still running in {RunDirectory} from an earlier app host; stopping it with `ncs --stop`", pid, runDirectory.Path);
        using var process = Process.GetProcessById(pid);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StopTimeout);
        try
        {
            await runner.RunAsync(new NcsCommandLine(state.Executable ?? ArgumentZero(pid)!).Stop(state.Environment), timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Daemon {Pid} did not stop within {Seconds} s; killing it", pid, StopTimeout.TotalSeconds);
            process.Kill();
            await process.WaitForExitAsync(cancellationToken);
        }

        runDirectory.WriteState(state with { Pid = null });
    }

    /// <summary>True when <paramref name="pid"/> is alive and is a daemon of this directory; a reused pid is not.</summary>
    private static bool IsDaemonOf(int pid, string runDirectory)
    {
        var arguments = Arguments(pid);
        var cd = Array.IndexOf(arguments, "--cd");
        return cd > 0 && cd + 1 < arguments.Length && arguments[cd + 1] == runDirectory;
    }

    private static string? ArgumentZero(int pid) => Arguments(pid).FirstOrDefault();

    private static string[] Arguments(int pid)
    {
        try
        {
            var cmdline = $"/proc/{pid}/cmdline";
            return File.Exists(cmdline) ? File.ReadAllText(cmdline).Split('\0', StringSplitOptions.RemoveEmptyEntries) : [];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
