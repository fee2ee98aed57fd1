using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace NsoDev.Tests;

/// <summary>
/// Shared by the test projects (linked, not referenced). The real AppHost as a process, as
/// <c>dotnet run --project AppHost --no-launch-profile -- --Nso:RunRoot=DIR ...</c> runs it, with an
/// anonymous dashboard on a free loopback port. Its output is kept for failure messages. Stopped with
/// SIGINT like Ctrl-C; on dispose, whatever of it still runs is killed, daemons under the run root included.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string? _logPath;
    private readonly bool _ownsRunRoot;

    private AppHostProcess(Process process, string runRoot, Uri dashboard, string? logPath, bool ownsRunRoot)
    {
        _process = process;
        RunRoot = runRoot;
        Dashboard = dashboard;
        _logPath = logPath;
        _ownsRunRoot = ownsRunRoot;
    }

    /// <summary>The instances' runtime directories live under this directory.</summary>
    public string RunRoot { get; }

    public Uri Dashboard { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <paramref name="appHost"/>: the AppHost apphost, or AppHost.dll (run with dotnet). With a
    /// <paramref name="workingDirectory"/> (the AppHost project's), its appsettings.json applies as under
    /// <c>dotnet run</c>. The output is written to <paramref name="logPath"/> on dispose, when given; the
    /// run root is removed then when <paramref name="ownsRunRoot"/>.
    /// </summary>
    public static AppHostProcess Start(string appHost, string runRoot, IEnumerable<string> arguments, string? workingDirectory = null, string? logPath = null, bool ownsRunRoot = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(appHost))
        {
            throw new FileNotFoundException($"The AppHost is not built at {appHost}.", appHost);
        }

        var ports = FreePorts.Take(2);
        var dashboard = new Uri($"http://127.0.0.1:{ports[0]}/");

        // env --default-signal=INT: SIGINT must reach the AppHost even when the tests run from a shell's
        // background job, which starts with SIGINT ignored (and exec keeps that).
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        string[] command = appHost.EndsWith(".dll", StringComparison.Ordinal)
            ? [Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", appHost]
            : [appHost];
        foreach (var argument in (string[])["--default-signal=INT", .. command, $"--Nso:RunRoot={runRoot}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["ASPNETCORE_URLS"] = dashboard.GetLeftPart(UriPartial.Authority);
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{ports[1]}";
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";

        // Not set, the resource service (the dashboard's gRPC back end) binds a free loopback port of its own.
        foreach (var name in new[] { "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", "DOTNET_RESOURCE_SERVICE_ENDPOINT_URL", "DOTNET_DASHBOARD_OTLP_ENDPOINT_URL", "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("env did not start");
        var host = new AppHostProcess(process, runRoot, dashboard, logPath, ownsRunRoot);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Until the dashboard answers 200 on its root; fails at once when the AppHost exits.</summary>
    public async Task WaitForDashboardAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            ThrowIfExited("before its dashboard answered");
            try
            {
                using var response = await http.GetAsync(Dashboard, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <exception cref="InvalidOperationException">The AppHost has exited; the message has its last output.</exception>
    public void ThrowIfExited(string when)
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The AppHost exited with {_process.ExitCode} {when}.\n{LogTail()}");
        }
    }

    /// <summary>SIGINT to the AppHost process only (the daemons run in sessions of their own), then its exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", ["-INT", Id.ToString(CultureInfo.InvariantCulture)]) ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync(cancellationToken);
        if (kill.ExitCode != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill -INT {Id} exited with {kill.ExitCode}.");
        }

        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>SIGKILL to the AppHost alone, as a crash would end it: its daemons and DCP are left to notice.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>The processes (pid, command line) whose command line runs nso-sim with a path under the run root.</summary>
    public IReadOnlyList<(int Pid, string CommandLine)> SimulatorProcesses() =>
        [.. ProcessTable.NsoSimWithArgumentContaining(RunRoot).Select(p => (p.Pid, string.Join(' ', p.Argv)))];

    public string LogTail(int lines = 60)
    {
        lock (_log)
        {
            return string.Join('\n', _log.ToString().Split('\n').TakeLast(lines));
        }
    }

    public async ValueTask DisposeAsync()
    {
        // After a failure: Ctrl-C first, so that the AppHost stops its daemons and DCP its processes;
        // then kill whatever is left.
        if (!_process.HasExited)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await StopAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        // Daemons in sessions of their own are not in the tree: whatever still runs with the run root.
        await ProcessTable.KillAsync(ProcessTable.WithArgumentContaining(RunRoot));
        if (_logPath is not null)
        {
            lock (_log)
            {
                File.WriteAllText(_logPath, _log.ToString());
            }
        }

        _process.Dispose();
        if (_ownsRunRoot)
        {
            try
            {
                Directory.Delete(RunRoot, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Temporary; a file a late process still wrote must not fail the test.
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Append(line).Append('\n');
        }
    }
}
