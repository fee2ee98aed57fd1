using System.Diagnostics;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.EndToEnd.Tests;

public sealed class LifecycleEndToEndTests : IDisposable
{
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-life-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 240_000)]
    public async Task A_failing_instance_shows_its_reason_while_the_other_keeps_running()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var broken = Path.Combine(_runRoot, "broken.conf");
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "instance-templates", "default", "6.5", "ncs.conf"), cancellationToken);
        await File.WriteAllTextAsync(broken, template.Replace("<rollback>\n    <enabled>true</enabled>", "<rollback>\n    <enabled>maybe</enabled>", StringComparison.Ordinal), cancellationToken);
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=2", $"--Nso:Instances:nso-2:Template={broken}");

        await using var app = await builder.StartHealthyAsync(cancellationToken, "nso-1");
        var failed = await app.ResourceNotifications.WaitForResourceAsync("nso-2", e => e.Snapshot.State?.Text == KnownResourceStates.FailedToStart, cancellationToken);

        var reason = failed.Snapshot.Properties.Single(p => p.Name == "nso.failure").Value?.ToString();
        Assert.Contains("exit code 21 (bad configuration file", reason, StringComparison.Ordinal);
        Assert.Equal(KnownResourceStates.Running, AppHostRun.State(app, "nso-1"));
        Assert.Null(await AppHostRun.HandshakeAsync(builder.Nso("nso-1"), cancellationToken));
    }

    [Fact(Timeout = 240_000)]
    public async Task Instances_simulating_6_2_6_4_on_a_unix_socket_and_6_7_start_from_the_shipped_templates_and_turn_healthy()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = await AppHostRun.CreateAsync(
            _runRoot,
            cancellationToken,
            "--Nso:Count=3",
            "--Nso:Clients=false",
            "--Nso:Instances:nso-1:SimulatedRelease=6.2",
            "--Nso:Instances:nso-2:SimulatedRelease=6.4",
            "--Nso:Instances:nso-2:Ipc=unix",
            "--Nso:Instances:nso-2:Template=local-ipc",
            "--Nso:Instances:nso-3:SimulatedRelease=6.7",
            "--Nso:Instances:nso-3:WebUi=true");

        // Healthy means the IPC health check got in, speaking each release's own protocol (82 to 87).
        await using var app = await builder.StartHealthyAsync(cancellationToken, "nso-1", "nso-2", "nso-3");

        Assert.Equal(("6.2", false), Written(builder.Nso("nso-1")));
        Assert.Equal(("6.4", true), Written(builder.Nso("nso-2")));
        Assert.Equal(("6.7", false), Written(builder.Nso("nso-3")));
        Assert.IsType<NsoIpcEndpoint.UnixSocket>(AppHostRun.Ipc(builder.Nso("nso-2")));

        // The version the engine reported, and which template band its ncs.conf came from (DES3CBC only up to 6.4).
        static (string Version, bool LocalIpc) Written(NsoResource nso)
        {
            XNamespace ns = "http://tail-f.com/yang/tailf-ncs-config";
            var conf = XDocument.Load(nso.RequirePlan().RunDirectory.NcsConf).Root!;
            Assert.Equal(nso.Published().Engine!.Version.Minor <= 4, conf.Descendants(ns + "DES3CBC").Any());
            return (nso.Published().Engine!.Version.ToString(), conf.Element(ns + "ncs-local-ipc")?.Element(ns + "enabled")?.Value == "true");
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task Restart_and_reset_commands_work_through_the_command_api_and_reset_wipes_the_logs()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await AppHostRun.StartOneHealthyAsync(_runRoot, cancellationToken);
        var nso = app.Nso("nso-1");
        var commands = app.Services.GetRequiredService<ResourceCommandService>();

        var firstPid = AppHostRun.Pid(nso);
        var restart = await commands.ExecuteCommandAsync("nso-1", "nso-restart", cancellationToken);
        Assert.True(restart.Success, restart.Message);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("nso-1", cancellationToken);
        Assert.NotEqual(firstPid, AppHostRun.Pid(nso));
        Assert.False(ProcessTable.IsAlive(firstPid));

        var log = Path.Combine(nso.RequirePlan().RunDirectory.LogsDirectory, "ncs.log");
        Assert.Equal(2, (await File.ReadAllLinesAsync(log, cancellationToken)).Count(l => l.EndsWith("- Started", StringComparison.Ordinal)));
        var reset = await commands.ExecuteCommandAsync("nso-1", "nso-reset", cancellationToken);
        Assert.True(reset.Success, reset.Message);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("nso-1", cancellationToken);
        Assert.Single(await File.ReadAllLinesAsync(log, cancellationToken), l => l.EndsWith("- Started", StringComparison.Ordinal));

        var cli = await commands.ExecuteCommandAsync("nso-1", "nso-cli-command", cancellationToken);
        Assert.True(cli.Success, cli.Message);
        Assert.Contains($"ssh -p {nso.RequirePlan().Ports[Hosting.Plan.NsoPortKind.Cli]} admin@127.0.0.1", cli.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 240_000)]
    public async Task After_the_dashboards_stop_and_start_the_status_client_runs_again_and_reports_started()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await AppHostRun.StartOneHealthyAsync(_runRoot, cancellationToken);
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var first = await app.ResourceNotifications.WaitForResourceAsync("nso-1-status", e => e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
        await AppHostRun.WaitForLogAsync(app, "nso-1-status", "status: started", cancellationToken);

        // Stop: the client's next `ncs --status` (within its 10 s interval) fails, and it exits.
        var stop = await commands.ExecuteCommandAsync("nso-1", "nso-stop", cancellationToken);
        Assert.True(stop.Success, stop.Message);
        await app.ResourceNotifications.WaitForResourceAsync("nso-1-status", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cancellationToken);

        // Start: once nso-1 is healthy again, the client runs again and reports the daemon started.
        var start = await commands.ExecuteCommandAsync("nso-1", "nso-start", cancellationToken);
        Assert.True(start.Success, start.Message);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("nso-1", cancellationToken);
        var again = await app.ResourceNotifications.WaitForResourceAsync(
            "nso-1-status",
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.StartTimeStamp > first.Snapshot.StartTimeStamp,
            cancellationToken);
        await WaitForLinesAsync(app, again.ResourceId, "status: started", 2, cancellationToken);
        Assert.Contains("NSO instance nso-1 runs again: starting nso-1-status again", await LogOfAsync(app, again.ResourceId, cancellationToken), StringComparison.Ordinal);
    }

    [Fact(Timeout = 240_000)]
    public async Task A_killed_daemon_is_shown_as_exited_and_brought_back_by_the_restart_policy()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await AppHostRun.StartOneHealthyAsync(_runRoot, cancellationToken);
        var nso = app.Nso("nso-1");
        var pid = AppHostRun.Pid(nso);
        var exited = app.ResourceNotifications.WaitForResourceAsync("nso-1", e => e.Snapshot.State?.Text == KnownResourceStates.Exited, cancellationToken);

        Process.GetProcessById(pid).Kill();

        var exit = await exited;
        Assert.Equal(137, exit.Snapshot.ExitCode);
        await AppHostRun.WaitUntilBackAsync(app, nso, pid, cancellationToken);
        Assert.Null(await AppHostRun.HandshakeAsync(nso, cancellationToken));
    }

    [Fact(Timeout = 240_000)]
    public async Task A_daemon_orphaned_by_a_killed_app_host_is_stopped_before_the_next_run_starts()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        // First run: note where nso-1 lived, then leave a daemon behind as a killed app host would.
        var first = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=1", "--Nso:Instances:nso-1:AccessCheck=false");
        await using (var app = await first.BuildAsync(cancellationToken))
        {
            await app.StartAsync(cancellationToken);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("nso-1", cancellationToken);
            await app.StopAsync(cancellationToken);
        }

        var runDirectory = Path.Combine(_runRoot, "nso-1");
        // NCS_DIR as NsoDev starts nso-sim: the stock file refers to ${NCS_DIR}.
        await using var orphan = NsoSimProcess.Start(
            ["--cd", runDirectory, "-c", Path.Combine(runDirectory, "ncs.conf"), "--foreground", "--stop-on-eof"],
            new Dictionary<string, string> { ["NCS_DIR"] = AppContext.BaseDirectory });
        new Hosting.Materialize.RunDirectory(runDirectory).RecordPid(orphan.Id);
        await WaitUntilListeningAsync(runDirectory, orphan, cancellationToken);

        // Second run: the orphan holds nso-1's ports until NsoDev stops it.
        var second = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=1", "--Nso:Instances:nso-1:AccessCheck=false");
        await using var next = await second.StartHealthyAsync(cancellationToken, "nso-1");

        Assert.True(orphan.HasExited);
        Assert.Equal(0, await orphan.WaitForExitAsync(TimeSpan.FromSeconds(10), cancellationToken));
        Assert.NotEqual(orphan.Id, AppHostRun.Pid(second.Nso("nso-1")));
        Assert.Contains("clean shutdown: --stop", await File.ReadAllTextAsync(Path.Combine(runDirectory, "logs", "ncs.log"), cancellationToken), StringComparison.Ordinal);
    }

    /// <summary>Waits until a resource's console log (its backlog included) has <paramref name="count"/> lines holding <paramref name="text"/>.</summary>
    private static async Task WaitForLinesAsync(DistributedApplication app, string resourceId, string text, int count, CancellationToken cancellationToken)
    {
        var seen = 0;
        await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resourceId).WithCancellation(cancellationToken))
        {
            seen += batch.Count(line => line.Content.Contains(text, StringComparison.Ordinal));
            if (seen >= count)
            {
                return;
            }
        }
    }

    /// <summary>A resource's console log as it is now.</summary>
    private static async Task<string> LogOfAsync(DistributedApplication app, string resourceId, CancellationToken cancellationToken)
    {
        using var settle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        settle.CancelAfter(TimeSpan.FromSeconds(1));
        var lines = new List<string>();
        try
        {
            await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resourceId).WithCancellation(settle.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return string.Join('\n', lines);
    }

    private static async Task WaitUntilListeningAsync(string runDirectory, NsoSimProcess daemon, CancellationToken cancellationToken)
    {
        var log = Path.Combine(runDirectory, "logs", "ncs.log");
        while (!(await File.ReadAllLinesAsync(log, cancellationToken)).Last().EndsWith("- Started", StringComparison.Ordinal))
        {
            Assert.False(daemon.HasExited, $"the daemon exited before it started; its ncs.log ends: {(await File.ReadAllLinesAsync(log, cancellationToken)).LastOrDefault()}\n{daemon.Output}");
            await Task.Delay(50, cancellationToken);
        }
    }
}
