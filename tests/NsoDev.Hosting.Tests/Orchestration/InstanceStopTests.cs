using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>Stop: `ncs --stop`, then EOF on stdin when that fails, and a kill only once the stop timeout has passed.</summary>
public sealed class InstanceStopTests
{
    private static readonly TimeSpan HangGuard = OrchestrationHarness.HangGuard;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_daemon_that_stops_on_ncs_stop_is_neither_sent_eof_nor_killed()
    {
        await using var h = new OrchestrationHarness();
        var (nso, runner, daemon) = await StartedAsync(h, p => p.StopsCleanly());

        await runner.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var finished = await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Finished);

        var stop = await h.Processes.WaitForRunAsync("--stop");
        Assert.Equal("24569", stop.Environment["NCS_IPC_PORT"]);
        Assert.False(daemon.StandardInputClosed);
        Assert.False(daemon.Killed);
        Assert.Equal(0, finished.ExitCode);
        Assert.Equal([KnownResourceStates.Starting, KnownResourceStates.Running, KnownResourceStates.Stopping, KnownResourceStates.Finished], h.States.StatesOf("nso-1"));
        Assert.False(runner.IsRunning);
        Assert.Null(nso.RequirePlan().RunDirectory.ReadState()?.Pid);
    }

    [Fact]
    public async Task At_app_host_shutdown_an_instance_goes_from_Running_to_Finished_without_a_Stopping_state_that_would_wake_the_health_monitor()
    {
        await using var h = new OrchestrationHarness();
        var (_, runner, daemon) = await StartedAsync(h, p => p.StopsCleanly());

        await runner.ShutdownAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var finished = await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Finished);

        await h.Processes.WaitForRunAsync("--stop");
        Assert.False(daemon.Killed);
        Assert.Equal(0, finished.ExitCode);
        Assert.Equal([KnownResourceStates.Starting, KnownResourceStates.Running, KnownResourceStates.Finished], h.States.StatesOf("nso-1"));
    }

    [Fact]
    public async Task A_stop_whose_ncs_stop_hangs_kills_the_daemon_at_the_stop_timeout_and_not_before()
    {
        await using var h = new OrchestrationHarness();
        var (_, runner, daemon) = await StartedAsync(h, p => p.Hangs("--stop"));

        var stopping = runner.StopAsync(CancellationToken.None);
        await h.Processes.WaitForRunAsync("--stop");
        await h.Time.WaitForTimerAsync(StopTimeout);
        h.Time.Advance(StopTimeout - TimeSpan.FromMilliseconds(1));

        Assert.False(daemon.Killed);

        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        await stopping.WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var finished = await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Finished);

        Assert.True(daemon.Killed);
        Assert.False(daemon.StandardInputClosed);
        Assert.Equal(137, finished.ExitCode);
        await h.Log.WaitForAsync("did not stop within 10 s; killing it");
    }

    [Fact]
    public async Task A_stop_whose_ncs_stop_fails_closes_stdin_and_the_daemon_stops_on_eof()
    {
        await using var h = new OrchestrationHarness();
        var (_, runner, daemon) = await StartedAsync(h, p => p.Returns("--stop", new ProcessResult(2, "", "Failed to connect to server")));

        await runner.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var finished = await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Finished);

        Assert.True(daemon.StandardInputClosed);
        Assert.False(daemon.Killed);
        Assert.Equal(0, finished.ExitCode);
        var warning = await h.Log.WaitForAsync("closing its stdin instead");
        Assert.Contains("returned 2: Failed to connect to server", warning.Message, StringComparison.Ordinal);
    }

    private static async Task<(NsoResource Nso, NsoDev.Hosting.Orchestration.NsoInstanceRunner Runner, FakeDaemon Daemon)> StartedAsync(OrchestrationHarness h, Action<ScriptedProcessRunner> script)
    {
        var nso = h.Declare("nso-1");
        var runner = h.Runner(nso);
        script(h.Processes.Returns("--wait-started", OrchestrationHarness.Ok));
        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);
        return (nso, runner, (await h.Processes.WaitForDaemonAsync()).Daemon);
    }
}
