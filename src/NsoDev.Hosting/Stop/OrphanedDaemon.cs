using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;

namespace NsoDev.Hosting.Stop;

/// <summary>
/// A daemon an earlier app host left running: found by the pid in its run directory's state file.
/// One that was killed with its app host, or whose instance has a session lifetime, is stopped with
/// <c>ncs --stop</c> (the state says how to reach it) before the new plan is made, so it neither holds
/// ports nor shares its CDB with a new daemon. One of a persistent instance is kept, to be adopted.
/// </summary>
internal sealed class OrphanedDaemon(IProcessRunner runner, ILogger logger)
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The daemon of <paramref name="runDirectory"/> that still runs, or null; a reused pid is not it.</summary>
    public static LeftRunningDaemon? Find(RunDirectory runDirectory)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        return runDirectory.ReadState() is { Pid: int pid } state && IsDaemonOf(pid, runDirectory.Path)
            ? new LeftRunningDaemon(pid, state)
            : null;
    }

    /// <summary><c>ncs --stop</c> with the environment it was started with, and a kill after <see cref="StopTimeout"/>.</summary>
    public async Task StopAsync(RunDirectory runDirectory, LeftRunningDaemon daemon, string why, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        ArgumentNullException.ThrowIfNull(daemon);
        logger.LogWarning("Found daemon {Pid} still running in {RunDirectory} {Why}; stopping it with `ncs --stop`", daemon.Pid, runDirectory.Path, why);
        using var process = Process.GetProcessById(daemon.Pid);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StopTimeout);
        try
        {
            await runner.RunAsync(new NcsCommandLine(daemon.State.Executable ?? ArgumentZero(daemon.Pid)!).Stop(daemon.State.Environment), timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Daemon {Pid} did not stop within {Seconds} s; killing it", daemon.Pid, StopTimeout.TotalSeconds);
            process.Kill();
            await process.WaitForExitAsync(cancellationToken);
        }

        runDirectory.WriteState(daemon.State with { Pid = null });
    }

    /// <summary>True when <paramref name="pid"/> is alive and is a daemon of this directory.</summary>
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

/// <summary>A daemon found running in its run directory, with the state its app host recorded.</summary>
internal sealed record LeftRunningDaemon(int Pid, RunState State)
{
    /// <summary>The ports it binds, as recorded; they count as free for its own instance.</summary>
    public IReadOnlySet<int> Ports => State.PlannedPorts.Values.ToHashSet();
}
