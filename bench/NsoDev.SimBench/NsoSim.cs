using System.Collections.Concurrent;
using System.Diagnostics;

namespace NsoDev.SimBench;

/// <summary>
/// The nso-sim next to this benchmark (the project reference copies its apphost here), run as a
/// child process with a clean IPC environment. Every process started here is remembered, so that
/// <see cref="StopLeftovers"/> can end whatever a failed measurement left running.
/// </summary>
internal static class NsoSim
{
    private static readonly ConcurrentBag<Process> Started = [];

    public static string Apphost { get; } = Path.Combine(AppContext.BaseDirectory, "nso-sim");

    /// <summary>Starts nso-sim with stdin, stdout and stderr redirected; output is drained, the last lines kept.</summary>
    public static ChildProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Apphost)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Ours decide where a control command connects, not the caller's shell.
        foreach (var name in new[] { "NCS_IPC_PATH", "NCS_IPC_ADDR", "NCS_IPC_PORT", "NCS_IPC_ACCESS_FILE", "CONFD_IPC_ACCESS_FILE", "NSO_SIM_VERSION" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        ChildProcess? child = null;
        process.OutputDataReceived += (_, e) => child?.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child?.Keep(e.Data);
        process.Start();
        Started.Add(process);
        child = new ChildProcess(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a command to its end with stdin closed; a command still running after <paramref name="timeout"/> is killed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var child = Start(args, environment);
        child.CloseStandardInput();
        var exitCode = await child.WaitForExitAsync(timeout, cancellationToken);
        return (exitCode ?? -1, child.Output);
    }

    /// <summary>Kills every nso-sim this benchmark started that still runs (its own children, by process object).</summary>
    public static void StopLeftovers()
    {
        foreach (var process in Started)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5_000);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Disposed or already reaped.
            }
        }
    }
}

/// <summary>One started nso-sim (given after <see cref="Process.Start()"/>): its pid, its last lines of output, closing stdin, waiting and killing.</summary>
internal sealed class ChildProcess(Process process) : IDisposable
{
    private const int KeptLines = 20;
    private readonly Queue<string> _lines = new();

    public int Id { get; } = process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The last lines of stdout and stderr, for error messages.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>EOF on stdin: a daemon started with --stop-on-eof stops cleanly.</summary>
    public void CloseStandardInput() => process.StandardInput.Close();

    /// <summary>The exit code, or null when the process still ran after <paramref name="timeout"/> and was killed.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return null;
        }
    }

    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    internal void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }
        }
    }
}
