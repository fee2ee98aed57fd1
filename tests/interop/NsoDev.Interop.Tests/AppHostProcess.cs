using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace NsoDev.Interop.Tests;

/// <summary>
/// The real AppHost as a process, as <c>dotnet run --project AppHost --no-launch-profile -- --Nso:Count=N
/// --Nso:RunRoot=DIR</c> runs it (the built AppHost.dll, with the AppHost's project directory as the
/// working directory, so that its appsettings.json applies), with an anonymous dashboard on a free
/// loopback port. Stopped with SIGINT like Ctrl-C; anything left over is killed on dispose.
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _logPath;

    private AppHostProcess(Process process, string runRoot, Uri dashboard, string logPath)
    {
        _process = process;
        RunRoot = runRoot;
        Dashboard = dashboard;
        _logPath = logPath;
    }

    /// <summary>The instances' runtime directories live under this temporary directory.</summary>
    public string RunRoot { get; }

    public Uri Dashboard { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static string AppHostAssembly => Metadata("NsoDev.AppHostAssembly");

    public static string AppHostProjectDirectory => Metadata("NsoDev.AppHostProjectDirectory");

    public static AppHostProcess Start(int count, string logPath)
    {
        Assert.True(File.Exists(AppHostAssembly), $"The AppHost is not built at {AppHostAssembly}");
        var runRoot = Directory.CreateTempSubdirectory("nsodev-dashboard-").FullName;
        var dashboard = new Uri($"http://127.0.0.1:{FreePort()}/");

        // env --default-signal=INT: SIGINT must reach the AppHost even when this test runs from a
        // shell's background job, which starts with SIGINT ignored (and exec keeps that).
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = AppHostProjectDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--default-signal=INT", Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", AppHostAssembly, $"--Nso:Count={count}", $"--Nso:RunRoot={runRoot}" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["ASPNETCORE_URLS"] = dashboard.GetLeftPart(UriPartial.Authority);
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        // Not set, the resource service (the dashboard's gRPC back end) takes a free loopback port of its own.
        start.Environment.Remove("ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL");
        start.Environment.Remove("DOTNET_RESOURCE_SERVICE_ENDPOINT_URL");
        start.Environment.Remove("DOTNET_DASHBOARD_OTLP_ENDPOINT_URL");
        start.Environment.Remove("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL");

        var process = Process.Start(start)!;
        var host = new AppHostProcess(process, runRoot, dashboard, logPath);
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
            Assert.False(_process.HasExited, $"The AppHost exited with {(_process.HasExited ? _process.ExitCode : 0)} before its dashboard answered.\n{LogTail()}");
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

    /// <summary>SIGINT to the AppHost process only (the daemons run in sessions of their own), then its exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var kill = await Cli.Wrap("kill").WithArguments(["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        Assert.True(kill.ExitCode == 0 || _process.HasExited, $"kill -INT {_process.Id}: {kill.StandardError}");
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>The processes (pid, command line) whose command line runs nso-sim with a path under the run root.</summary>
    public IReadOnlyList<(int Pid, string CommandLine)> SimulatorProcesses() =>
        [.. ProcessesUnder(RunRoot).Where(p => p.Arguments.Length > 0 && Path.GetFileName(p.Arguments[0]) == "nso-sim")
            .Select(p => (p.Pid, string.Join(' ', p.Arguments)))];

    public string LogTail(int lines = 60)
    {
        lock (_log)
        {
            var all = _log.ToString().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
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
            await _process.WaitForExitAsync();
        }

        // Daemons in sessions of their own are not in the tree: whatever still runs with the run root.
        foreach (var (pid, _) in ProcessesUnder(RunRoot))
        {
            try
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill(entireProcessTree: true);
                await orphan.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }

        lock (_log)
        {
            File.WriteAllText(_logPath, _log.ToString());
        }

        _process.Dispose();
        try
        {
            Directory.Delete(RunRoot, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
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

    private static IEnumerable<(int Pid, string[] Arguments)> ProcessesUnder(string runRoot)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string[] arguments;
            try
            {
                arguments = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (arguments.Any(a => a.Contains(runRoot, StringComparison.Ordinal)))
            {
                yield return (pid, arguments);
            }
        }
    }

    private static string Metadata(string key) =>
        typeof(AppHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
