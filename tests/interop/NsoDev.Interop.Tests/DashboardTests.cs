using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace NsoDev.Interop.Tests;

/// <summary>
/// The Aspire dashboard of the real AppHost (three simulated instances) in Debian's Chromium, driven
/// by Playwright the way a user would: the Resources page, the details pane, and the Restart command
/// from a resource's actions menu.
/// </summary>
public sealed partial class DashboardTests(ITestOutputHelper output)
{
    private const string Restarted = "nso-2";
    private static readonly string[] Instances = ["nso-1", "nso-2", "nso-3"];

    // Start is offered only while an instance is not running.
    private static readonly string[] CommandsWhileRunning = ["Stop", "Restart", "Reset", "Reload", "CLI command line"];

    private static readonly string[] ChromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    public static string ResultsDirectory => Path.Combine(AppContext.BaseDirectory, "TestResults");

    [Fact(Timeout = 240_000)]
    public async Task The_dashboard_shows_three_running_instances_and_restarts_one_from_its_actions_menu()
    {
        Directory.CreateDirectory(ResultsDirectory);
        var screenshot = Path.Combine(ResultsDirectory, "dashboard.png");
        var failureScreenshot = Path.Combine(ResultsDirectory, "dashboard-failure.png");
        File.Delete(screenshot);
        File.Delete(failureScreenshot);

        // Everything below, AppHost start and stop included, within three minutes.
        using var deadline = new Deadline(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assert.True(File.Exists("/usr/bin/chromium"), "/usr/bin/chromium is missing: tests/interop/run installs Debian's chromium");

        // Declared before the AppHost, so that they outlive the failure handling below.
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
            Timeout = deadline.RemainingMilliseconds,
        });

        await using var appHost = DefaultAppHost.Start(Instances.Length, Path.Combine(ResultsDirectory, "apphost.log"));
        IPage? page = null;
        try
        {
            await appHost.WaitForDashboardAsync(deadline.Token);
            output.WriteLine($"dashboard {appHost.Dashboard} answered; run root {appHost.RunRoot}");

            page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
            page.SetDefaultTimeout(Math.Min(30_000, deadline.RemainingMilliseconds));
            await page.AddInitScriptAsync(scriptPath: Path.Combine(AppContext.BaseDirectory, "dashboard_probe.js"));
            await page.GotoAsync(appHost.Dashboard.ToString());

            // The Resources page: each instance Running, with its three URLs in the row.
            await WaitForAsync(page, deadline, "names => names.every(n => { const r = __nsodev.resource(n); return r && r.state === 'Running' && r.urls.length >= 3; })", Instances);
            foreach (var name in Instances)
            {
                var row = await ResourceAsync(page, name);
                output.WriteLine($"{name}: {row.State}, {string.Join(' ', row.Urls)}");
                await CheckEndpointsAsync(page, deadline, name, row);
            }

            Assert.Equal(Instances.Length, appHost.SimulatorProcesses().Count);

            // Restart through the row's actions (⋯) menu, recording every state the row shows meanwhile.
            var stateFile = Path.Combine(appHost.RunRoot, Restarted, "nsodev.json");
            var pidBefore = DaemonPid(stateFile);
            Assert.Equal(["Running"], await page.EvaluateAsync<string[]>("n => __nsodev.record(n)", Restarted));
            await ResourceRow(page, Restarted).GetByRole(AriaRole.Button, new() { Name = "Actions", Exact = true }).ClickAsync();
            foreach (var command in CommandsWhileRunning)
            {
                await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = command, Exact = true })).ToBeVisibleAsync();
            }

            await page.GetByRole(AriaRole.Menuitem, new() { Name = "Restart", Exact = true }).ClickAsync();
            await WaitForAsync(page, deadline, """
                n => {
                  const seen = __nsodev.seen(n);
                  const away = seen.findIndex(s => s !== 'Running');
                  return away > 0 && seen.indexOf('Running', away) > away && __nsodev.resource(n)?.state === 'Running';
                }
                """, Restarted);
            var seen = await page.EvaluateAsync<string[]>("n => __nsodev.seen(n)", Restarted);
            output.WriteLine($"{Restarted} after Restart: {string.Join(" -> ", seen)}");
            Assert.Equal("Running", seen[0]);
            Assert.Equal("Running", seen[^1]);
            Assert.Contains(seen, s => s != "Running");
            await Expect(page.GetByText($"{Restarted} \"Restart\" succeeded")).ToBeVisibleAsync(new() { Timeout = 15_000 });

            // The daemon really is a new one, and the others stayed up.
            var pidAfter = DaemonPid(stateFile);
            Assert.NotEqual(pidBefore, pidAfter);
            Assert.True(Directory.Exists($"/proc/{pidAfter}"), $"the restarted daemon (pid {pidAfter}) is not running");
            await WaitForAsync(page, deadline, "names => names.every(n => __nsodev.resource(n)?.state === 'Running')", Instances);
            await CheckEndpointsAsync(page, deadline, Restarted, await ResourceAsync(page, Restarted));

            // The restarted instance's status client runs: it did not notice, or it exited and was started again.
            await page.EvaluateAsync<string[]>("n => __nsodev.record(n)", $"{Restarted}-status");
            await WaitForAsync(page, deadline, "n => __nsodev.resource(n)?.state === 'Running'", $"{Restarted}-status");
            output.WriteLine($"{Restarted}-status after the restart: {string.Join(" -> ", await page.EvaluateAsync<string[]>("n => __nsodev.seen(n)", $"{Restarted}-status"))}");

            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            output.WriteLine($"screenshot: {screenshot}");
            await browser.CloseAsync();
            page = null;

            // Ctrl-C: the AppHost stops every instance with ncs --stop and exits.
            Assert.Equal(Instances.Length, appHost.SimulatorProcesses().Count);
            var stopping = System.Diagnostics.Stopwatch.StartNew();
            await appHost.StopAsync(deadline.Token);
            output.WriteLine($"AppHost exited with {appHost.ExitCode} {stopping.Elapsed.TotalSeconds:0.0} s after SIGINT");
            var survivors = appHost.SimulatorProcesses();
            Assert.True(survivors.Count == 0, $"nso-sim processes survived the AppHost: {string.Join("; ", survivors.Select(p => $"{p.Pid}: {p.CommandLine}"))}");
            Assert.Equal(0, appHost.ExitCode);

            // Every stop, the restart's included, was ncs --stop (SIGINT or SIGTERM would log an unclean shutdown).
            foreach (var name in Instances)
            {
                var stops = File.ReadAllLines(Path.Combine(appHost.RunRoot, name, "logs", "ncs.log")).Where(l => l.Contains("Stopping (", StringComparison.Ordinal)).ToArray();
                Assert.True(stops.Length == (name == Restarted ? 2 : 1), $"{name} ncs.log: {string.Join(" | ", stops)}");
                Assert.All(stops, line => Assert.Contains("Stopping (clean shutdown: --stop)", line, StringComparison.Ordinal));
            }
        }
        catch (Exception)
        {
            if (page is not null)
            {
                try
                {
                    await page.ScreenshotAsync(new() { Path = failureScreenshot, FullPage = true, Timeout = 10_000 });
                    output.WriteLine($"failure screenshot: {failureScreenshot}");
                }
                catch (PlaywrightException)
                {
                }
            }

            output.WriteLine($"AppHost log (tail):\n{appHost.LogTail()}");
            throw;
        }
    }

    /// <summary>The details pane names the three endpoints, and they are the row's URLs and live ports.</summary>
    private async Task CheckEndpointsAsync(IPage page, Deadline deadline, string name, (string State, string[] Urls) row)
    {
        await ResourceRow(page, name).GetByRole(AriaRole.Gridcell).First.ClickAsync();
        // The pane shows this instance once its URLs are the row's (every instance has ports of its own).
        await WaitForAsync(page, deadline, "urls => { const e = __nsodev.endpoints(); return e !== null && urls.every(u => Object.values(e).includes(u)); }", row.Urls);
        var endpoints = JsonSerializer.Deserialize<Dictionary<string, string>>(await page.EvaluateAsync<string>("() => JSON.stringify(__nsodev.endpoints())"))!;
        output.WriteLine($"{name} details: {string.Join(", ", endpoints.Select(e => $"{e.Key}={e.Value}"))}");

        Assert.Equal(["cli", "ipc", "netconf"], endpoints.Keys.Order(StringComparer.Ordinal));
        Assert.Matches(IpcUrl(), endpoints["ipc"]);
        foreach (var northbound in new[] { "netconf", "cli" })
        {
            var match = SshUrl().Match(endpoints[northbound]);
            Assert.True(match.Success, $"{name} {northbound}: {endpoints[northbound]}");
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), deadline.Token);
        }

        Assert.Equal(endpoints.Values.Order(StringComparer.Ordinal), row.Urls.Order(StringComparer.Ordinal));

        // NETCONF and CLI, both ssh:// links, are told apart by their text; IPC's address is its own text.
        var texts = JsonSerializer.Deserialize<Dictionary<string, string>>(await page.EvaluateAsync<string>("() => JSON.stringify(__nsodev.linkTexts())"))!;
        output.WriteLine($"{name} link texts: {string.Join(", ", texts.Select(e => $"{e.Key}={e.Value}"))}");
        Assert.Equal("", texts["ipc"]);
        Assert.Equal($"NETCONF (port {SshUrl().Match(endpoints["netconf"]).Groups[1].Value})", texts["netconf"]);
        Assert.Equal($"CLI (port {SshUrl().Match(endpoints["cli"]).Groups[1].Value})", texts["cli"]);
    }

    /// <summary>The Resources grid's row of a resource: its name cell is labelled "TYPE: NAME".</summary>
    private static ILocator ResourceRow(IPage page, string name) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Gridcell, new() { NameRegex = new Regex($"^[^:]+: {Regex.Escape(name)}$") }) });

    private static async Task<(string State, string[] Urls)> ResourceAsync(IPage page, string name)
    {
        // JSON text: Playwright's own serialization would add reference ids ($id) to objects.
        var row = JsonDocument.Parse(await page.EvaluateAsync<string>("n => JSON.stringify(__nsodev.resource(n))", name)).RootElement;
        Assert.True(row.ValueKind == JsonValueKind.Object, $"no row for {name} on the Resources page");
        return (row.GetProperty("state").GetString()!, [.. row.GetProperty("urls").EnumerateArray().Select(u => u.GetString()!)]);
    }

    private static async Task WaitForAsync(IPage page, Deadline deadline, string predicate, object argument)
    {
        try
        {
            await page.WaitForFunctionAsync(predicate, argument, new() { Timeout = deadline.RemainingMilliseconds, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            var states = await page.EvaluateAsync<string>("names => JSON.stringify(names.map(n => [n, __nsodev.resource(n), __nsodev.seen(n)]))", Instances);
            throw new TimeoutException($"Timed out waiting for {predicate} ({JsonSerializer.Serialize(argument)}); the dashboard shows {states}");
        }
    }

    /// <summary>One bound for every wait of the test: a token for .NET calls and the milliseconds left for Playwright's.</summary>
    private sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly DateTime _end;

        public Deadline(TimeSpan total, CancellationToken testCancelled)
        {
            _source = CancellationTokenSource.CreateLinkedTokenSource(testCancelled);
            _source.CancelAfter(total);
            _end = DateTime.UtcNow + total;
        }


        public CancellationToken Token => _source.Token;

        public float RemainingMilliseconds
        {
            get
            {
                Token.ThrowIfCancellationRequested();
                return (float)Math.Max(1_000, (_end - DateTime.UtcNow).TotalMilliseconds);
            }
        }

        public void Dispose() => _source.Dispose();
    }

    [GeneratedRegex(@"^(tcp://127\.0\.0\.1:\d+|unix:///\S+)$")]
    private static partial Regex IpcUrl();

    [GeneratedRegex(@"^ssh://127\.0\.0\.1:(\d+)$")]
    private static partial Regex SshUrl();

    /// <summary>The running daemon's pid, from the state file NsoDev keeps in the run directory.</summary>
    private static int DaemonPid(string stateFile)
    {
        using var state = System.Text.Json.JsonDocument.Parse(File.ReadAllText(stateFile));
        return state.RootElement.GetProperty("Pid").GetInt32();
    }
}
