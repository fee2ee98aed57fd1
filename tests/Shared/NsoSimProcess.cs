using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NsoDev.Tests;

/// <summary>
/// Shared by the test projects and the benchmarks (linked, not referenced). A real nso-sim process: a
/// project reference to src/NsoDev.Simulator copies the apphost <c>nso-sim</c>, <c>nso-sim.dll</c>, its
/// runtimeconfig and deps files, and the native build <c>native/nso-sim</c> where one was made, into the
/// output directory; <see cref="Apphost"/> is run when present, else <c>dotnet nso-sim.dll</c>. Output is read as it comes. Disposing kills a process that still runs.
/// </summary>
internal sealed class NsoSimProcess : IAsyncDisposable
{
    /// <summary>The <c>--wait-started</c> budget of a start: generous, as a loaded machine can take seconds to start a .NET process.</summary>
    public const string WaitStartedSeconds = "30";

    /// <summary>A control command's limit in <see cref="RunAsync"/>.</summary>
    public static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(45);

    /// <summary>Nothing from the caller's shell may point a daemon or a command elsewhere.</summary>
    private static readonly string[] InheritedVariables = ["NCS_IPC_PATH", "NCS_IPC_ADDR", "NCS_IPC_PORT", "NCS_IPC_ACCESS_FILE", "CONFD_IPC_ACCESS_FILE", "NSO_SIM_VERSION"];

    private static readonly ConcurrentDictionary<NsoSimProcess, bool> Running = new();

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private NsoSimProcess(Process process)
    {
        _process = process;
    }

    /// <summary>nso-sim's JIT build: the apphost the project reference copies.</summary>
    public static string JitBuild { get; } = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "nso-sim.exe" : "nso-sim");

    /// <summary>nso-sim's native build, where this machine could compile one (see src/NsoDev.Simulator's project).</summary>
    public static string NativeBuild { get; } = Path.Combine(AppContext.BaseDirectory, "native", "nso-sim");

    /// <summary>
    /// The program <see cref="Start"/> runs: the native build when there is one (as NsoDev prefers it), else
    /// the JIT apphost. A benchmark that compares the two sets it.
    /// </summary>
    public static string Apphost { get; set; } = File.Exists(NativeBuild) ? NativeBuild : JitBuild;

    /// <summary>What <see cref="Apphost"/> must say of itself in <c>--version</c> and <c>--status</c>.</summary>
    public static string BuildName => Apphost == NativeBuild ? "native build" : "JIT build";

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    /// <summary>stdout, then stderr: for error messages.</summary>
    public string Output => $"stdout:\n{Stdout}stderr:\n{Stderr}";

    public static NsoSimProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = File.Exists(Apphost)
            ? new ProcessStartInfo(Apphost)
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "nso-sim.dll") } };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.UseShellExecute = false;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var name in InheritedVariables)
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
        Running[sim] = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sim;
    }

    /// <summary>Runs a command to its end, with stdin closed at once; one still running after <see cref="CommandLimit"/> is killed.</summary>
    /// <exception cref="TimeoutException">The command ran past the limit.</exception>
    public static async Task<CommandResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        await using var sim = Start(args, environment);
        sim.CloseStandardInput();
        var exitCode = await sim.WaitForExitAsync(CommandLimit, cancellationToken);
        return new CommandResult(exitCode, sim.Stdout, sim.Stderr, clock.Elapsed);
    }

    /// <summary>Every nso-sim started here that still runs is killed: for a benchmark that failed half-way.</summary>
    public static void StopLeftovers()
    {
        foreach (var sim in Running.Keys)
        {
            sim.Kill();
        }
    }

    /// <exception cref="TimeoutException">The process still runs after <paramref name="timeout"/>; it is left running.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"nso-sim (pid {Id}) still runs after {timeout}.\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>EOF on stdin: a daemon started with --stop-on-eof stops cleanly.</summary>
    public void CloseStandardInput() => _process.StandardInput.Close();

    /// <summary>Waits until stdout (read asynchronously) holds <paramref name="text"/>; false when the timeout passes first.</summary>
    public async Task<bool> WaitForStdoutAsync(string text, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            try
            {
                await Task.Delay(20, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
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
        await _process.WaitForExitAsync(CancellationToken.None);
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
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, Id.ToString(CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        Running.TryRemove(this, out _);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Disposed meanwhile.
        }
    }

    private static string Read(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
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

/// <summary>A finished command: exit code, what it wrote, and how long it ran.</summary>
internal sealed record CommandResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);
