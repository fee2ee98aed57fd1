using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>An exit nobody asked for: shown as Exited, then restarted after 1 s, 2 s, 4 s... at most 5 times per app host run.</summary>
public sealed class CrashRestartTests
{
    private static readonly TimeSpan HangGuard = OrchestrationHarness.HangGuard;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private static readonly ProcessResult WaitStartedTimeout = new(3, "", "timeout");

    [Fact]
    public async Task A_crash_after_running_is_restarted_after_one_second_and_not_before()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        var runner = h.Runner(nso);
        h.Processes.Returns("--wait-started", OrchestrationHarness.Ok, OrchestrationHarness.Ok);
        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var first = await h.Processes.WaitForDaemonAsync();

        first.Daemon.Exit(1);
        await h.States.WaitForStateAsync("nso-1", "Restarting (1/5) in 1 s");
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        h.Time.Advance(TimeSpan.FromSeconds(1) - Tick);

        Assert.Single(h.Processes.Daemons.Items);

        h.Time.Advance(Tick);
        await h.Processes.WaitForDaemonAsync(2);
        var running = await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running, occurrence: 2);

        Assert.Equal(
            [KnownResourceStates.Starting, KnownResourceStates.Running, KnownResourceStates.Exited, "Restarting (1/5) in 1 s", KnownResourceStates.Starting, KnownResourceStates.Running],
            h.States.StatesOf("nso-1"));
        var exited = h.States.Of("nso-1")[2];
        Assert.Equal(1, exited.ExitCode);
        Assert.Equal(KnownResourceStateStyles.Error, exited.State?.Style);
        Assert.Equal("1", InstanceStartTests.Property(running, "nso.restarts"));
        await h.Log.WaitForAsync("exited unexpectedly with exit code 1 (internal error");
    }

    [Fact]
    public async Task A_second_crash_waits_two_seconds_since_restarts_are_counted_per_app_host_run()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        var runner = h.Runner(nso);
        h.Processes.Returns("--wait-started", OrchestrationHarness.Ok, OrchestrationHarness.Ok, OrchestrationHarness.Ok);
        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        (await h.Processes.WaitForDaemonAsync(1)).Daemon.Exit(1);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await h.Processes.WaitForDaemonAsync(2);
        await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running, occurrence: 2);

        second.Daemon.Exit(1);
        await h.States.WaitForStateAsync("nso-1", "Restarting (2/5) in 2 s");
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        h.Time.Advance(TimeSpan.FromSeconds(2) - Tick);

        Assert.Equal(2, h.Processes.Daemons.Items.Count);

        h.Time.Advance(Tick);
        await h.Processes.WaitForDaemonAsync(3);
        var running = await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running, occurrence: 3);
        Assert.Equal("2", InstanceStartTests.Property(running, "nso.restarts"));
    }

    [Fact]
    public async Task Restarts_that_keep_failing_stop_at_the_cap_and_a_later_crash_is_not_restarted()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        var runner = h.Runner(nso);
        h.Processes.Returns("--wait-started", [OrchestrationHarness.Ok, .. Enumerable.Repeat(WaitStartedTimeout, 5), OrchestrationHarness.Ok]);
        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        (await h.Processes.WaitForDaemonAsync(1)).Daemon.Exit(1);
        for (var restart = 1; restart <= 5; restart++)
        {
            var delay = TimeSpan.FromSeconds(1 << (restart - 1));
            await h.Time.WaitForTimerAsync(delay);
            h.Time.Advance(delay);
            await h.States.WaitForStateAsync("nso-1", KnownResourceStates.FailedToStart, occurrence: restart);
        }

        Assert.Equal(
            ["Restarting (1/5) in 1 s", "Restarting (2/5) in 2 s", "Restarting (3/5) in 4 s", "Restarting (4/5) in 8 s", "Restarting (5/5) in 16 s"],
            h.States.StatesOf("nso-1").Where(s => s!.StartsWith("Restarting", StringComparison.Ordinal)));
        Assert.Equal(6, h.Processes.Daemons.Items.Count);
        Assert.All(h.Processes.Daemons.Items.Skip(1), d => Assert.True(d.Daemon.Killed));
        var gaveUp = h.States.Of("nso-1")[^1];
        Assert.Equal(KnownResourceStates.FailedToStart, gaveUp.State?.Text);
        Assert.Equal("5", InstanceStartTests.Property(gaveUp, "nso.restarts"));

        // The Start command still works; a crash after the cap is left for the developer.
        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        (await h.Processes.WaitForDaemonAsync(7)).Daemon.Exit(1);
        await h.Log.WaitForAsync("crashed more than 5 times; it is not restarted again");
        await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Exited, occurrence: 2);

        Assert.Equal(7, h.Processes.Daemons.Items.Count);
        Assert.Equal(KnownResourceStates.Exited, h.States.StatesOf("nso-1")[^1]);
        Assert.DoesNotContain(h.States.StatesOf("nso-1"), s => s!.StartsWith("Restarting (6/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stop_during_the_restart_backoff_keeps_the_instance_stopped()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        var runner = h.Runner(nso);
        h.Processes.Returns("--wait-started", OrchestrationHarness.Ok, OrchestrationHarness.Ok);
        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        (await h.Processes.WaitForDaemonAsync()).Daemon.Exit(1);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));

        // What the fleet does when the app host stops while a crashed instance waits to restart.
        await runner.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        // The restart either launches a daemon or logs that it will not; whichever comes first tells.
        var restarted = h.Processes.WaitForDaemonAsync(2);
        var skipped = h.Log.WaitForAsync("stopped during the restart backoff");
        Assert.Same(skipped, await Task.WhenAny(restarted, skipped));
        Assert.Single(h.Processes.Daemons.Items);
        Assert.False(runner.IsRunning);

        // The dashboard showed it stopped as soon as it was stopped, not "Restarting" until the backoff ended
        // (the states are watched as Aspire delivers them, so the wait is for delivery, not for the runner).
        await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Finished);
        var states = h.States.StatesOf("nso-1");
        Assert.Equal(KnownResourceStates.Finished, states[^1]);
        Assert.StartsWith("Restarting (1/5)", states[^2], StringComparison.Ordinal);
    }
}
