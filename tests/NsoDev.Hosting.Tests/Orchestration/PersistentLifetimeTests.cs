using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>
/// A persistent instance outlives its app host: the first leaves its daemon running, the next adopts it
/// when it would run the daemon the same way, and replaces it when not. Two harnesses play the two
/// app hosts, on one run directory and one installation.
/// </summary>
public sealed class PersistentLifetimeTests
{
    private static readonly TimeSpan HangGuard = OrchestrationHarness.HangGuard;

    [Fact]
    public async Task At_shutdown_a_persistent_daemon_is_left_running_detached_and_recorded_while_a_session_one_is_stopped()
    {
        await using var h = new OrchestrationHarness();
        var persistent = h.Declare("nso-1", n => n.WithLifetime(Lifetime.Persistent));
        var session = h.Declare("nso-2");
        h.Processes.Returns("--version", new ProcessResult(0, "6.5\n", "")).Returns("--wait-started", OrchestrationHarness.Ok, OrchestrationHarness.Ok).StopsCleanly();
        await h.PrepareAsync();
        await h.Fleet.StartInstanceAsync(persistent).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var detached = await h.Processes.WaitForDaemonAsync();
        await h.Fleet.StartInstanceAsync(session).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var tied = await h.Processes.WaitForDaemonAsync(2);

        Assert.Equal(persistent.RequirePlan().RunDirectory.DaemonOutput, detached.DetachedOutput);
        Assert.DoesNotContain("--stop-on-eof", detached.Spec.Arguments);
        Assert.Null(tied.DetachedOutput);
        Assert.Contains("--stop-on-eof", tied.Spec.Arguments);

        await h.Fleet.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        Assert.True(detached.Daemon.Released);
        Assert.False(detached.Daemon.Killed);
        Assert.False(detached.Daemon.Exited.IsCompleted);
        Assert.Equal(4242, persistent.RequirePlan().RunDirectory.ReadState()?.Pid);
        var stop = Assert.Single(h.Processes.Runs.Items, s => s.Arguments[0] == "--stop");
        Assert.Equal(session.RequirePlan().Ipc is NsoIpcEndpoint.Tcp tcp ? tcp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : null, stop.Environment["NCS_IPC_PORT"]);
        Assert.Null(session.RequirePlan().RunDirectory.ReadState()?.Pid);
        await h.WaitForResourceLogAsync("nso-1", "Left NSO instance nso-1 running (pid 4242): it has a persistent lifetime");
        Assert.Contains(h.FleetLog.Lines.Items, e => e.Message.Contains($"NSO instance nso-1 is left running (pid 4242, persistent lifetime); the next app host adopts it. Stop it with `. {persistent.RequirePlan().RunDirectory.EnvScript} && {h.NcsExecutable} --stop`", StringComparison.Ordinal));
        Assert.DoesNotContain(h.FleetLog.Lines.Items, e => e.Message.Contains("nso-2 is left running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_next_app_host_adopts_a_left_running_daemon_that_runs_with_its_plan_and_starts_none()
    {
        await using var run = await SecondRunAsync(n => n.WithLifetime(Lifetime.Persistent));
        var (next, earlier) = (run.Next, run.Earlier);
        await next.PrepareAsync();
        await next.Fleet.StartInstanceAsync(run.Nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var running = await next.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);

        Assert.Equal(earlier.Id, (await next.Processes.Adopted.WaitForAsync(_ => true, "an adoption")).ProcessId);
        Assert.Empty(next.Processes.Daemons.Items);
        Assert.Equal(0, next.Processes.CountOf("--stop"));
        Assert.Equal(1, next.Processes.CountOf("--wait-started"));
        Assert.Equal(earlier.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), InstanceStartTests.Property(running, NsoResourceProperties.Pid));
        Assert.Equal("Persistent", InstanceStartTests.Property(running, NsoResourceProperties.Lifetime));
        Assert.Equal(run.First.RequirePlanOf("nso-1").Ports.Ports, run.Nso.RequirePlan().Ports.Ports);
        await next.WaitForResourceLogAsync("nso-1", $"Adopted NSO instance nso-1: daemon {earlier.Id}");
        Assert.False(earlier.HasExitedNow);
    }

    [Fact]
    public async Task A_left_running_daemon_whose_ncs_conf_would_change_is_stopped_with_its_own_environment_and_a_new_one_starts()
    {
        await using var run = await SecondRunAsync(n => n.WithLifetime(Lifetime.Persistent).WithWebUi());
        var next = run.Next;
        var earlierPort = ((NsoIpcEndpoint.Tcp)run.First.RequirePlanOf("nso-1").Ipc).Port;
        await next.PrepareAsync();
        await next.Fleet.StartInstanceAsync(run.Nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await next.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);

        var stop = await next.Processes.WaitForRunAsync("--stop");
        Assert.Equal(earlierPort.ToString(System.Globalization.CultureInfo.InvariantCulture), stop.Environment["NCS_IPC_PORT"]);
        Assert.Empty(next.Processes.Adopted.Items);
        Assert.Single(next.Processes.Daemons.Items);
        await next.WaitForResourceLogAsync("nso-1", "with another configuration (ncs.conf would be written differently");
        Assert.True(run.Earlier.HasExited);
    }

    [Fact]
    public async Task A_daemon_left_running_for_an_instance_that_is_now_session_is_stopped_before_planning()
    {
        await using var run = await SecondRunAsync(n => n);

        await run.Next.PrepareAsync();

        Assert.Equal(1, run.Next.Processes.CountOf("--stop"));
        Assert.True(run.Earlier.HasExited);
        Assert.Null(new Materialize.RunDirectory(run.RunDirectory).ReadState()?.Pid);
    }

    /// <summary>
    /// The first app host left a persistent nso-1 running; a real look-alike process plays its daemon. The
    /// next app host declares nso-1 on the same run directory and installation, shaped by <paramref name="configure"/>;
    /// its `ncs --stop` ends the look-alike, as NSO's ends the daemon.
    /// </summary>
    private static async Task<SecondRun> SecondRunAsync(Func<IResourceBuilder<NsoResource>, IResourceBuilder<NsoResource>> configure)
    {
        var first = new OrchestrationHarness();
        var runDirectory = await LeaveRunningAsync(first);
        var earlier = LeftRunningProcess(runDirectory);
        new Materialize.RunDirectory(runDirectory).RecordPid(earlier.Id);

        var next = new OrchestrationHarness();
        var nso = next.Declare("nso-1", n => configure(n.WithNsoInstallation(first.NcsDir).WithRunDirectory(runDirectory)));
        next.Processes.Returns("--version", new ProcessResult(0, "6.5\n", "")).Returns("--wait-started", OrchestrationHarness.Ok).Returns("--stop", OrchestrationHarness.Ok);
        next.Processes.Fake.RunningPids.Add(earlier.Id);
        next.Processes.OnCall = spec =>
        {
            if (spec.Arguments[0] == "--stop")
            {
                earlier.Kill();
            }
        };
        return new SecondRun(first, next, earlier, runDirectory, nso);
    }

    /// <summary>The first app host: a persistent nso-1 started and left running at shutdown; returns its run directory.</summary>
    private static async Task<string> LeaveRunningAsync(OrchestrationHarness h)
    {
        var nso = h.Declare("nso-1", n => n.WithLifetime(Lifetime.Persistent));
        h.Processes.Returns("--version", new ProcessResult(0, "6.5\n", "")).Returns("--wait-started", OrchestrationHarness.Ok);
        await h.PrepareAsync();
        await h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);
        await h.Fleet.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        return nso.RequirePlan().RunDirectory.Path;
    }

    /// <summary>A real process that looks like the run directory's daemon (its command line has `--cd DIR`), as the fleet checks.</summary>
    private static LookalikeDaemon LeftRunningProcess(string runDirectory) =>
        new(Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "sleep 60; exit 0", "ncs", "--cd", runDirectory } })!);

    /// <summary>Two app hosts on one run directory, and the look-alike daemon between them; all cleaned up.</summary>
    private sealed record SecondRun(OrchestrationHarness First, OrchestrationHarness Next, LookalikeDaemon Earlier, string RunDirectory, NsoResource Nso) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Earlier.Dispose();
            await Next.DisposeAsync();
            await First.DisposeAsync();
        }
    }

    /// <summary>Killed at the end of the test whatever happened.</summary>
    private sealed class LookalikeDaemon(Process process) : IDisposable
    {
        public int Id => process.Id;

        /// <summary>Waits a little for an exit that was caused.</summary>
        public bool HasExited => process.WaitForExit(TimeSpan.FromSeconds(5));

        public bool HasExitedNow => process.HasExited;

        public void Kill() => process.Kill(entireProcessTree: true);

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }
}
