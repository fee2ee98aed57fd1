using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Processes;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>
/// A daemon left running by an app host that was killed: found by the pid file in its runtime
/// directory, and stopped with <c>ncs --stop</c> (its old env.sh says where it listens) before
/// the new plan is made, so it neither holds ports nor shares its CDB with a new daemon.
/// </summary>
internal sealed class OrphanedDaemon(IProcessRunner runner, ILogger logger)
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    public async Task StopIfRunningAsync(RunDirectory runDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        if (ReadPid(runDirectory.PidFile) is not int pid || ExecutableOf(pid, runDirectory.Path) is not string executable)
        {
            TryDelete(runDirectory.PidFile);
            return;
        }

        logger.LogWarning("Found daemon {Pid} still running in {RunDirectory} from an earlier app host; stopping it with `ncs --stop`", pid, runDirectory.Path);
        using var process = Process.GetProcessById(pid);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StopTimeout);
        try
        {
            await runner.RunAsync(new NcsCommandLine(executable).Stop(ReadEnvironment(runDirectory.EnvScript)), timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Daemon {Pid} did not stop within {Seconds} s; killing it", pid, StopTimeout.TotalSeconds);
            process.Kill();
            await process.WaitForExitAsync(cancellationToken);
        }

        TryDelete(runDirectory.PidFile);
    }

    private static int? ReadPid(string pidFile) =>
        File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    /// <summary>The daemon's executable when <paramref name="pid"/> is alive and is a daemon of this directory; a reused pid is not.</summary>
    private static string? ExecutableOf(int pid, string runDirectory)
    {
        var cmdline = $"/proc/{pid}/cmdline";
        if (!File.Exists(cmdline))
        {
            return null;
        }

        string[] arguments;
        try
        {
            arguments = File.ReadAllText(cmdline).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return null;
        }

        var cd = Array.IndexOf(arguments, "--cd");
        return cd > 0 && cd + 1 < arguments.Length && arguments[cd + 1] == runDirectory ? arguments[0] : null;
    }

    /// <summary>Reads the <c>export NAME='value'</c> lines NsoDev wrote in env.sh.</summary>
    internal static Dictionary<string, string?> ReadEnvironment(string envScript)
    {
        var environment = NcsIpcVariables.All.ToDictionary(v => v, _ => (string?)null);
        if (!File.Exists(envScript))
        {
            return environment;
        }

        foreach (var line in File.ReadLines(envScript).Where(l => l.StartsWith("export ", StringComparison.Ordinal)))
        {
            var assignment = line["export ".Length..].Split('=', 2);
            if (assignment.Length == 2)
            {
                environment[assignment[0]] = assignment[1].Trim('\'').Replace("'\\''", "'", StringComparison.Ordinal);
            }
        }

        return environment;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Stale pid files are checked against /proc before they are trusted.
        }
    }
}
