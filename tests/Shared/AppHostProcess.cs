using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NsoDev.Tests;

/// <summary>
/// Shared by the test projects (linked, not referenced). The real AppHost as a process, as
/// <c>dotnet run --project AppHost --no-launch-profile -- --Nso:RunRoot=DIR ...</c> runs it, with an
/// anonymous dashboard on a free loopback port (<see cref="Start"/>), or as <c>dotnet run --project AppHost</c>
/// runs it, with its launch profile (<see cref="StartWithLaunchProfile"/>). Its output is kept for failure
/// messages. Stopped with SIGINT like Ctrl-C; on dispose, whatever of it still runs is killed: its process
/// tree, DCP, and the daemons under the run root.
/// </summary>
internal sealed partial class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly Uri? _dashboard;
    private readonly string? _logPath;
    private readonly bool _ownsRunRoot;

    private AppHostProcess(Process process, string runRoot, Uri? dashboard, string? logPath, bool ownsRunRoot)
    {
        _process = process;
        RunRoot = runRoot;
        _dashboard = dashboard;
        _logPath = logPath;
        _ownsRunRoot = ownsRunRoot;
    }

    /// <summary>The instances' runtime directories live under this directory.</summary>
    public string RunRoot { get; }

    /// <summary>The anonymous dashboard of <see cref="Start"/>.</summary>
    /// <exception cref="InvalidOperationException">Started with the launch profile: the dashboard is where its login line says (<see cref="WaitForLoginAsync"/>).</exception>
    public Uri Dashboard => _dashboard ?? throw new InvalidOperationException("This AppHost runs with its launch profile: its dashboard is the login URL that WaitForLoginAsync returns.");

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
        var ports = FreePorts.Take(2);
        var dashboard = new Uri($"http://127.0.0.1:{ports[0]}/");
        var variables = new Dictionary<string, string?>
        {
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["ASPNETCORE_URLS"] = dashboard.GetLeftPart(UriPartial.Authority),
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{ports[1]}",
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",

            // Not set, the resource service (the dashboard's gRPC back end) binds a free loopback port of its own.
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = null,
            ["DOTNET_RESOURCE_SERVICE_ENDPOINT_URL"] = null,
            ["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"] = null,
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = null,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return Launch(appHost, runRoot, arguments, workingDirectory, variables, dashboard, logPath, ownsRunRoot);
    }

    /// <summary>
    /// Starts <paramref name="appHost"/> as <c>dotnet run --project</c> starts it: in <paramref name="projectDirectory"/>,
    /// with its first launch profile's applicationUrl as ASPNETCORE_URLS, the profile's environment variables
    /// over this process's, and DOTNET_LAUNCH_PROFILE naming it. Its dashboard asks for the token of the login
    /// line (<see cref="WaitForLoginAsync"/>).
    /// </summary>
    public static AppHostProcess StartWithLaunchProfile(string appHost, string projectDirectory, string runRoot, IEnumerable<string> arguments)
    {
        var profile = LaunchProfile(projectDirectory);
        var variables = new Dictionary<string, string?> { ["DOTNET_LAUNCH_PROFILE"] = profile.Name, ["ASPNETCORE_URLS"] = profile.ApplicationUrl };
        foreach (var (name, value) in profile.Environment)
        {
            variables[name] = value;
        }

        return Launch(appHost, runRoot, arguments, projectDirectory, variables, dashboard: null, logPath: null, ownsRunRoot: false);
    }

    /// <summary>The first profile of the project's Properties/launchSettings.json, the one <c>dotnet run</c> takes.</summary>
    public static (string Name, string ApplicationUrl, Dictionary<string, string> Environment) LaunchProfile(string projectDirectory)
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(projectDirectory, "Properties", "launchSettings.json")));
        var profile = settings.RootElement.GetProperty("profiles").EnumerateObject().First();
        var environment = profile.Value.GetProperty("environmentVariables").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        return (profile.Name, profile.Value.GetProperty("applicationUrl").GetString()!, environment);
    }

    /// <summary>Starts the AppHost with <paramref name="environment"/> over this process's; a null value unsets the variable.</summary>
    private static AppHostProcess Launch(string appHost, string runRoot, IEnumerable<string> arguments, string? workingDirectory, Dictionary<string, string?> environment, Uri? dashboard, string? logPath, bool ownsRunRoot)
    {
        if (!File.Exists(appHost))
        {
            throw new FileNotFoundException($"The AppHost is not built at {appHost}.", appHost);
        }

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

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
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

    /// <summary>The login URL of Aspire's "Login to the dashboard at" line; fails at once when the AppHost exits.</summary>
    public async Task<Uri> WaitForLoginAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (LoginLine().Match(Output()) is { Success: true } login)
            {
                return new Uri(login.Groups[1].Value);
            }

            ThrowIfExited("before it printed its dashboard login URL");
            await Task.Delay(200, cancellationToken);
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

    /// <summary>
    /// The AppHost's processes now: its own tree, DCP's (which watches the AppHost from a session of its
    /// own) and the daemons (also in sessions of their own, found by the run root).
    /// </summary>
    public IReadOnlyList<(int Pid, string CommandLine)> Processes()
    {
        var all = ProcessTable.All();
        var family = all.Where(p => p.Pid == Id || IsOwn(p.Argv)).Select(p => p.Pid).ToHashSet();
        for (var added = true; added;)
        {
            added = false;
            foreach (var p in all.Where(p => !family.Contains(p.Pid) && family.Contains(p.Parent)))
            {
                added |= family.Add(p.Pid);
            }
        }

        return [.. all.Where(p => family.Contains(p.Pid)).Select(p => (p.Pid, CommandLine(p.Argv)))];
    }

    /// <summary>
    /// Waits until none of <paramref name="seen"/> (from <see cref="Processes"/>) runs any more and no new
    /// process of this AppHost has appeared; returns what is still there when the token ends the wait.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitUntilGoneAsync(IReadOnlyList<(int Pid, string CommandLine)> seen, CancellationToken cancellationToken)
    {
        while (true)
        {
            var left = Leftovers(seen).Select(p => $"{p.Pid}: {CommandLine(p.Argv)}").ToList();
            if (left.Count == 0 || cancellationToken.IsCancellationRequested)
            {
                return left;
            }

            await Task.Delay(200, CancellationToken.None);
        }
    }

    /// <summary>All it printed, standard output and error.</summary>
    public string Output()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    public string LogTail(int lines = 60) => string.Join('\n', Output().Split('\n').TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        // After a failure: Ctrl-C first, so that the AppHost stops its daemons and DCP its processes;
        // then kill whatever is left.
        var seen = _process.HasExited ? [] : Processes();
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

        // DCP and the daemons, in sessions of their own, are not in the tree: what still runs of what was
        // seen, with the run root, or watching this AppHost.
        await ProcessTable.KillAsync(Leftovers(seen));
        if (_logPath is not null)
        {
            File.WriteAllText(_logPath, Output());
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

    private static string CommandLine(string[] argv) => string.Join(' ', argv);

    [GeneratedRegex(@"Login to the dashboard at (http\S+/login\?t=\S+)")]
    private static partial Regex LoginLine();

    /// <summary>What still runs of <paramref name="seen"/>, and whatever names the run root or watches this AppHost (DCP's <c>--monitor PID</c>).</summary>
    private List<(int Pid, string[] Argv)> Leftovers(IReadOnlyList<(int Pid, string CommandLine)> seen) =>
        [.. ProcessTable.All().Where(p => IsOwn(p.Argv) || seen.Contains((p.Pid, CommandLine(p.Argv)))).Select(p => (p.Pid, p.Argv))];

    private bool IsOwn(string[] argv)
    {
        var id = Id.ToString(CultureInfo.InvariantCulture);
        return argv.Any(a => a.Contains(RunRoot, StringComparison.Ordinal)) || argv.Zip(argv.Skip(1)).Any(p => p.First == "--monitor" && p.Second == id);
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
