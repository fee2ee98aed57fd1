using NsoDev.Hosting.Plan;

namespace NsoDev.EndToEnd.Tests;

/// <summary>Issue 10: two checkouts run `dotnet run --project AppHost` at once, both with the launch profile.</summary>
public sealed class SecondAppHostTests : IDisposable
{
    private static readonly string ProjectDirectory = Path.Combine(RepositoryRoot.Path, "AppHost");
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-second-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 300_000)]
    public async Task A_second_app_host_with_the_same_launch_profile_takes_free_ports_and_both_stop_cleanly()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromMinutes(4));
        var profilePort = new Uri(AppHostProcess.LaunchProfile(ProjectDirectory).ApplicationUrl.Split(';')[0]).Port;
        await using var first = Start("first");
        var firstLogin = await first.WaitForLoginAsync(cts.Token);
        await first.WaitUntilStartedAsync("nso-1", cts.Token);
        // The first keeps the familiar port, unless it said the port was taken (by something outside this test).
        Assert.True(firstLogin.Port == profilePort || SaidMoved(first, profilePort), $"The first AppHost's dashboard is at {firstLogin.Authority}, not on {profilePort}, and it did not say why.\n{first.Output()}");

        await using var second = Start("second");
        var secondLogin = await second.WaitForLoginAsync(cts.Token);
        await second.WaitUntilStartedAsync("nso-1", cts.Token);

        Assert.NotEqual(firstLogin.Port, secondLogin.Port);
        await AssertTheDashboardTakesTheTokenAsync(firstLogin, cts.Token);
        await AssertTheDashboardTakesTheTokenAsync(secondLogin, cts.Token);
        Assert.True(SaidMoved(second, profilePort), $"The second AppHost did not say that port {profilePort} moved.\n{second.Output()}");
        Assert.False(first.HasExited, $"The first AppHost exited when the second started.\n{first.Output()}");

        // Each has the default AppHost's three devices, and the second's ports are none of the first's.
        var devicePorts = new[] { first, second }.Select(h => DevicePorts(h.RunRoot)).ToList();
        Assert.All(devicePorts, ports => Assert.Equal(3 * 5, ports.Count));
        Assert.Empty(devicePorts[0].Intersect(devicePorts[1]));
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

    /// <summary>The five ports of each device of nso-1, from the network's record in its run directory.</summary>
    private static HashSet<int> DevicePorts(string runRoot)
    {
        var record = new NsoDev.Hosting.Materialize.RunDirectory(Path.Combine(runRoot, "nso-1")).ReadNetsimRecord()
            ?? throw new InvalidOperationException($"nso-1 in {runRoot} has no netsim network record");
        var count = record.Networks.Sum(n => n.Count);
        return [.. record.Bases.Values.SelectMany(b => Enumerable.Range(b, count))];
    }

    /// <summary>The built AppHost (beside this assembly) as `dotnet run --project AppHost` starts it, with one instance in its own run root.</summary>
    private AppHostProcess Start(string name) =>
        AppHostProcess.StartWithLaunchProfile(Path.Combine(AppContext.BaseDirectory, "AppHost"), ProjectDirectory, Path.Combine(_runRoot, name), ["--Nso:Count=1", "--Nso:Clients=false"]);

    /// <summary>Whether the AppHost printed NsoDev's line that the launch profile's <paramref name="port"/> was taken.</summary>
    private static bool SaidMoved(AppHostProcess appHost, int port) =>
        appHost.Output().Split('\n').Any(l => l.StartsWith("NsoDev: ", StringComparison.Ordinal) && l.Contains($" {port} ", StringComparison.Ordinal));

    /// <summary>
    /// Aspire prints the configured dashboard URL even when another process holds that port, so only
    /// the dashboard's answer shows it is this AppHost's: its own token logs in (a redirect to /; a wrong
    /// token is sent back to /login).
    /// </summary>
    private static async Task AssertTheDashboardTakesTheTokenAsync(Uri login, CancellationToken cancellationToken)
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
}
