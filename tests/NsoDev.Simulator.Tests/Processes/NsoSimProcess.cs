using System.Diagnostics;
using System.Text;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>
/// A real nso-sim process. The project reference copies the apphost <c>nso-sim</c>, <c>nso-sim.dll</c>,
/// its runtimeconfig and deps files into this test's output directory; the apphost is run when
/// present, else <c>dotnet nso-sim.dll</c>. Disposing kills a process that is still running.
/// </summary>
internal sealed class NsoSimProcess : IAsyncDisposable
{
    /// <summary>The <c>--wait-started</c> budget of tests that wait for a start: generous, as a loaded CI machine can take seconds to start a .NET process.</summary>
    public const string WaitStartedSeconds = "30";

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private NsoSimProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public DateTime StartTime => _process.StartTime;

    public bool HasExited => _process.HasExited;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static NsoSimProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "nso-sim.exe" : "nso-sim");
        var start = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "nso-sim.dll") } };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.UseShellExecute = false;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var name in new[] { "NCS_IPC_PATH", "NCS_IPC_ADDR", "NCS_IPC_PORT", "NCS_IPC_ACCESS_FILE", "CONFD_IPC_ACCESS_FILE", "NSO_SIM_VERSION" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var sim = new NsoSimProcess(process);
        process.OutputDataReceived += (_, e) => Append(sim._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(sim._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sim;
    }

    /// <summary>Runs a command to its end, with stdin closed at once.</summary>
    public static async Task<CommandResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var clock = Stopwatch.StartNew();
        await using var sim = Start(args, environment);
        sim.CloseStandardInput();
        var exitCode = await sim.WaitForExitAsync(TimeSpan.FromSeconds(20));
        return new CommandResult(exitCode, sim.Stdout, sim.Stderr, clock.Elapsed);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"nso-sim (pid {Id}) still runs after {timeout}. stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        return _process.ExitCode;
    }

    public void CloseStandardInput() => _process.StandardInput.Close();

    /// <summary>Waits until stdout (read asynchronously) holds <paramref name="text"/>, or the timeout passes.</summary>
    public async Task<bool> WaitForStdoutAsync(string text, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            try
            {
                await Task.Delay(20, limit.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>SIGKILL: the daemon gets no chance to clean up, as after a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>The resident set size from /proc, in bytes; null where /proc is not there.</summary>
    public long? ResidentBytes()
    {
        var status = $"/proc/{Id}/status";
        if (!File.Exists(status))
        {
            return null;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.Append(line).Append('\n');
        }
    }
}

internal sealed record CommandResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);
