using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Serve;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>Reset wipes what `ncs-setup --reset` wipes between a stop and a start; reload is `ncs --reload` and its command says why it failed.</summary>
public sealed class ResetAndReloadTests
{
    private static readonly TimeSpan HangGuard = OrchestrationHarness.HangGuard;

    [Fact]
    public async Task Reset_stops_the_daemon_then_removes_cdb_logs_and_state_keeps_init_xml_and_starts_again()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        var runner = h.Runner(nso);
        h.Processes.Returns("--wait-started", OrchestrationHarness.Ok, OrchestrationHarness.Ok).StopsCleanly();
        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var first = await h.Processes.WaitForDaemonAsync();

        var run = nso.RequirePlan().RunDirectory;
        var cdb = Path.Combine(run.CdbDirectory, "A.cdb");
        string[] wiped = [cdb, Path.Combine(run.CdbDirectory, "O.cdb"), Path.Combine(run.CdbDirectory, "rollback0001"), Path.Combine(run.LogsDirectory, "ncs.log"), run.Combine("state/running")];
        foreach (var file in wiped)
        {
            await File.WriteAllTextAsync(file, "data", TestContext.Current.CancellationToken);
        }

        var init = Path.Combine(run.CdbDirectory, "devices_init.xml");
        await File.WriteAllTextAsync(init, "<config xmlns=\"http://tail-f.com/ns/config/1.0\"/>", TestContext.Current.CancellationToken);

        // The wipe must come after the daemon stopped (it writes CDB on stop) and before the next start.
        var cdbSeen = new List<(string Verb, bool CdbPresent)>();
        h.Processes.OnCall = spec => { lock (cdbSeen) { cdbSeen.Add((spec.Arguments[0], File.Exists(cdb))); } };

        await runner.ResetAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running, occurrence: 2);

        Assert.Equal([("--stop", true), ("--cd", false), ("--wait-started", false)], cdbSeen);
        Assert.All(wiped, f => Assert.False(File.Exists(f), f));
        Assert.Equal("<config xmlns=\"http://tail-f.com/ns/config/1.0\"/>", await File.ReadAllTextAsync(init, TestContext.Current.CancellationToken));
        Assert.False(first.Daemon.Killed);
        Assert.Equal(2, h.Processes.Daemons.Items.Count);
        Assert.True(runner.IsRunning);
        Assert.Equal(
            [KnownResourceStates.Starting, KnownResourceStates.Running, KnownResourceStates.Stopping, KnownResourceStates.Finished, KnownResourceStates.Starting, KnownResourceStates.Running],
            h.States.StatesOf("nso-1"));
    }

    [Fact]
    public async Task A_reload_command_that_fails_says_what_the_exit_code_means_and_what_ncs_printed()
    {
        await using var h = new OrchestrationHarness();
        var nso = await RunningThroughTheFleetAsync(h);
        h.Processes.Returns("--reload", new ProcessResult(21, "", "ncs.conf:12: unknown element: webui/foo"));

        var result = await h.ExecuteCommandAsync(nso, NsoCommands.Reload);

        Assert.False(result.Success);
        Assert.Equal("ncs --reload failed with exit code 21 (bad configuration file: fix ncs.conf or its template): ncs.conf:12: unknown element: webui/foo", result.Message);
        var reload = await h.Processes.WaitForRunAsync("--reload");
        Assert.Equal(h.NcsExecutable, reload.FileName);
        Assert.Equal("24569", reload.Environment["NCS_IPC_PORT"]);
    }

    [Fact]
    public async Task A_reload_command_that_succeeds_reports_success()
    {
        await using var h = new OrchestrationHarness();
        var nso = await RunningThroughTheFleetAsync(h);
        h.Processes.Returns("--reload", OrchestrationHarness.Ok);

        var result = await h.ExecuteCommandAsync(nso, NsoCommands.Reload);

        Assert.True(result.Success, result.Message);
        Assert.Equal(1, h.Processes.CountOf("--reload"));
    }

    /// <summary>As the app host does it: the fleet locates the engine (`ncs --version`) and starts the instance.</summary>
    private static async Task<NsoResource> RunningThroughTheFleetAsync(OrchestrationHarness h)
    {
        var nso = h.Declare("nso-1");
        h.Plan(nso);
        h.Processes.Returns("--version", new ProcessResult(0, "6.5.1\n", "")).Returns("--wait-started", OrchestrationHarness.Ok);
        await h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);
        return nso;
    }
}
