using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using NsoDev.Hosting.Plan;

namespace NsoDev.EndToEnd.Tests;

/// <summary>Issue 10: two checkouts run `dotnet run --project AppHost` at once, both with the launch profile.</summary>
public sealed class SecondAppHostTests : IDisposable
{
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-second-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 300_000)]
    public async Task A_second_app_host_with_the_same_launch_profile_takes_free_ports_and_both_stop_cleanly()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromMinutes(4));
        var profilePort = new Uri(LaunchProfileAppHost.Profile().ApplicationUrl.Split(';')[0]).Port;
        await using var first = LaunchProfileAppHost.Start(Path.Combine(_runRoot, "first"));
        var firstLogin = await first.WaitForDashboardAsync(cts.Token);
        await first.WaitUntilStartedAsync("nso-1", cts.Token);
        // The first keeps the familiar port, unless it said the port was taken (by something outside this test).
        Assert.True(firstLogin.Port == profilePort || first.SaidMoved(profilePort), $"The first AppHost's dashboard is at {firstLogin.Authority}, not on {profilePort}, and it did not say why.\n{first.Output()}");

        await using var second = LaunchProfileAppHost.Start(Path.Combine(_runRoot, "second"));
        var secondLogin = await second.WaitForDashboardAsync(cts.Token);
        await second.WaitUntilStartedAsync("nso-1", cts.Token);

        Assert.NotEqual(firstLogin.Port, secondLogin.Port);
        await LaunchProfileAppHost.AssertTheDashboardTakesTheTokenAsync(firstLogin, cts.Token);
        await LaunchProfileAppHost.AssertTheDashboardTakesTheTokenAsync(secondLogin, cts.Token);
        Assert.True(second.SaidMoved(profilePort), $"The second AppHost did not say that port {profilePort} moved.\n{second.Output()}");
        Assert.False(first.HasExited, $"The first AppHost exited when the second started.\n{first.Output()}");
        var seen = new[] { first, second }.ToDictionary(h => h, h => h.Processes());
        await second.StopAsync(cts.Token);
        await first.StopAsync(cts.Token);

        foreach (var appHost in new[] { first, second })
        {
            Assert.True(appHost.ExitCode == 0, $"The AppHost in {appHost.RunRoot} exited with {appHost.ExitCode} after SIGINT.\n{appHost.Output()}");
            Assert.Contains("clean shutdown: --stop", await File.ReadAllTextAsync(Path.Combine(appHost.RunRoot, "nso-1", "logs", "ncs.log"), cts.Token), StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(PortLeases.ForCurrentUser().Directory, $"{appHost.Id}-*.lease"));
            // DCP and the dashboard go by themselves once the AppHost has gone.
            var left = await appHost.WaitUntilGoneAsync(seen[appHost], cts.Token);
            Assert.True(left.Count == 0, $"Left behind: {string.Join("; ", left)}");
        }
    }
}

/// <summary>
/// The built AppHost started as `dotnet run --project AppHost` starts it: in the project directory, with
/// the first launch profile's applicationUrl as ASPNETCORE_URLS, its environment variables over the
/// caller's, and DOTNET_LAUNCH_PROFILE naming it. Stopped with SIGINT like Ctrl-C; on dispose, anything
/// still running is killed.
/// </summary>
internal sealed partial class LaunchProfileAppHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LaunchProfileAppHost(Process process, string runRoot)
    {
        _process = process;
        RunRoot = runRoot;
    }

    public string RunRoot { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static (string Name, string ApplicationUrl, Dictionary<string, string> Environment) Profile()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "AppHost", "Properties", "launchSettings.json")));
        var profile = settings.RootElement.GetProperty("profiles").EnumerateObject().First();
        var environment = profile.Value.GetProperty("environmentVariables").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        return (profile.Name, profile.Value.GetProperty("applicationUrl").GetString()!, environment);
    }

    public static LaunchProfileAppHost Start(string runRoot)
    {
        var profile = Profile();
        // env --default-signal=INT: SIGINT must reach the AppHost even when the tests run from a background job.
        var start = new ProcessStartInfo("env") { WorkingDirectory = Path.Combine(RepositoryRoot.Path, "AppHost"), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--default-signal=INT", Path.Combine(AppContext.BaseDirectory, "AppHost"), $"--Nso:RunRoot={runRoot}", "--Nso:Count=1", "--Nso:Clients=false" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_LAUNCH_PROFILE"] = profile.Name;
        start.Environment["ASPNETCORE_URLS"] = profile.ApplicationUrl;
        foreach (var (key, value) in profile.Environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var appHost = new LaunchProfileAppHost(process, runRoot);
        process.OutputDataReceived += (_, e) => appHost.Append(e.Data);
        process.ErrorDataReceived += (_, e) => appHost.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return appHost;
    }

    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <summary>Whether the AppHost printed NsoDev's line that the launch profile's <paramref name="port"/> was taken.</summary>
    public bool SaidMoved(int port) =>
        Output().Split('\n').Any(l => l.StartsWith("NsoDev: ", StringComparison.Ordinal) && l.Contains($" {port} ", StringComparison.Ordinal));

    /// <summary>The login URL from Aspire's "Login to the dashboard at" line; fails at once when the AppHost exits.</summary>
    public async Task<Uri> WaitForDashboardAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (LoginLine().Match(Output()) is { Success: true } login)
            {
                return new Uri(login.Groups[1].Value);
            }

            Assert.False(_process.HasExited, $"The AppHost in {RunRoot} exited with {(_process.HasExited ? _process.ExitCode : 0)} before it printed its dashboard URL.\n{Output()}");
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>
    /// Aspire prints the configured dashboard URL even when another process holds that port, so only
    /// the dashboard's answer shows it is this AppHost's: its own token logs in (a redirect to /; a wrong
    /// token is sent back to /login).
    /// </summary>
    public static async Task AssertTheDashboardTakesTheTokenAsync(Uri login, CancellationToken cancellationToken)
    {
        // DCP serves a localhost dashboard on 127.0.0.1 only; the test talks to nothing else.
        Assert.True(login.IsLoopback, $"The dashboard is not on loopback: {login}");
        login = new UriBuilder(login) { Host = "127.0.0.1" }.Uri;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(login, cancellationToken);
        Assert.True(
            response.StatusCode == System.Net.HttpStatusCode.Redirect && response.Headers.Location is { } to && new Uri(login, to).AbsolutePath == "/",
            $"{login} answered {(int)response.StatusCode} to {response.Headers.Location}: not this AppHost's dashboard.");
    }

    /// <summary>Polls `nso-sim --status` with the instance's env.sh until it reports started; fails at once when the AppHost exits.</summary>
    public async Task WaitUntilStartedAsync(string name, CancellationToken cancellationToken)
    {
        var runDirectory = new Hosting.Materialize.RunDirectory(Path.Combine(RunRoot, name));
        while (true)
        {
            Assert.False(_process.HasExited, $"The AppHost in {RunRoot} exited before {name} started.\n{Output()}");
            if (runDirectory.ReadState() is { Pid: not null } state)
            {
                var environment = state.Environment;
                var status = await Cli.Wrap(Path.Combine(AppContext.BaseDirectory, "nso-sim")).WithArguments(["--status"]).WithEnvironmentVariables(environment)
                    .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
                if (status.StandardOutput.Contains("status: started", StringComparison.Ordinal))
                {
                    return;
                }
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>SIGINT to the AppHost only (the daemons run in sessions of their own), then its exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var kill = await Cli.Wrap("kill").WithArguments(["-INT", Id.ToString(CultureInfo.InvariantCulture)])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        Assert.True(kill.ExitCode == 0 || _process.HasExited, $"kill -INT {Id}: {kill.StandardError}");
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>
    /// The AppHost's processes now: its own tree, DCP's (which watches the AppHost from a session of its
    /// own) and the daemons (also in sessions of their own, found by the run root).
    /// </summary>
    public IReadOnlyList<(int Pid, string CommandLine)> Processes()
    {
        var all = ProcessTable();
        var family = all.Where(p => p.Pid == Id || IsOwn(p.CommandLine)).Select(p => p.Pid).ToHashSet();
        for (var added = true; added;)
        {
            added = false;
            foreach (var p in all.Where(p => !family.Contains(p.Pid) && family.Contains(p.Parent)))
            {
                added |= family.Add(p.Pid);
            }
        }

        return [.. all.Where(p => family.Contains(p.Pid)).Select(p => (p.Pid, p.CommandLine))];
    }

    /// <summary>
    /// Waits until none of <paramref name="seen"/> runs any more and no new process of this AppHost
    /// has appeared; returns what is still there when the token ends the wait.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitUntilGoneAsync(IReadOnlyList<(int Pid, string CommandLine)> seen, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = ProcessTable();
            var left = now.Where(p => IsOwn(p.CommandLine) || seen.Contains((p.Pid, p.CommandLine))).Select(p => $"{p.Pid}: {p.CommandLine}").ToList();
            if (left.Count == 0 || cancellationToken.IsCancellationRequested)
            {
                return left;
            }

            await Task.Delay(200, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // After a failure: Ctrl-C first, so the AppHost stops its daemons; then kill whatever is left.
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
            await _process.WaitForExitAsync();
        }

        foreach (var (pid, commandLine) in ProcessTable().Where(p => IsOwn(p.CommandLine) || seen.Contains((p.Pid, p.CommandLine))).Select(p => (p.Pid, p.CommandLine)))
        {
            try
            {
                using var leftover = Process.GetProcessById(pid);
                leftover.Kill(entireProcessTree: true);
                await leftover.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }

        _process.Dispose();
    }

    private bool IsOwn(string commandLine) =>
        commandLine.Contains(RunRoot, StringComparison.Ordinal) || commandLine.Contains($"--monitor {Id} ", StringComparison.Ordinal);

    /// <summary>Every process: pid, parent pid, command line (NULs as spaces).</summary>
    private static List<(int Pid, int Parent, string CommandLine)> ProcessTable()
    {
        var table = new List<(int, int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                // stat is "pid (comm) state ppid ...", and comm may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                table.Add((pid, parent, File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ')));
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return table;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Append(line).Append('\n');
            }
        }
    }

    [GeneratedRegex(@"Login to the dashboard at (http\S+/login\?t=\S+)")]
    private static partial Regex LoginLine();
}
