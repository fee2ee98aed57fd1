using System.Xml.Linq;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Serve;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>Start: materialize, launch the daemon, wait for `ncs --wait-started`, and report each step on the dashboard.</summary>
public sealed class InstanceStartTests
{
    private static readonly TimeSpan HangGuard = OrchestrationHarness.HangGuard;

    [Fact]
    public async Task Start_goes_starting_then_running_with_the_pid_active_urls_and_the_running_commands()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        var runner = h.Runner(nso);
        h.Processes.Returns("--wait-started", OrchestrationHarness.Ok);

        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var running = await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);

        Assert.True(runner.IsRunning);
        Assert.Equal([KnownResourceStates.Starting, KnownResourceStates.Running], h.States.StatesOf("nso-1"));
        var starting = h.States.Of("nso-1")[0];
        Assert.Equal(h.Time.GetUtcNow().UtcDateTime, starting.StartTimeStamp);
        Assert.All(starting.Urls, u => Assert.True(u.IsInactive, u.Name));
        Assert.Equal("4242", Property(running, "nso.pid"));
        Assert.Equal("Cisco NSO 6.5", Property(running, "nso.engine"));
        Assert.Contains(running.Urls, u => u.Name == "ipc" && u.Url == "tcp://127.0.0.1:24569" && !u.IsInactive);
        Assert.Contains(running.Urls, u => u.Name == "netconf" && u.Url == "ssh://127.0.0.1:24570" && !u.IsInactive);

        // The two ssh:// URLs are told apart by their text; IPC's has none, so its address shows. IPC comes first.
        Assert.Equal(
            [("ipc", "", 4), ("netconf", "NETCONF (port 24570)", 3), ("cli", "CLI (port 24571)", 2)],
            running.Urls.Select(u => (u.Name, u.DisplayProperties.DisplayName, u.DisplayProperties.SortOrder)));
        Assert.Equal(ResourceCommandState.Hidden, Command(running, NsoCommands.Start));
        Assert.Equal(ResourceCommandState.Enabled, Command(running, NsoCommands.Stop));
        Assert.Equal(ResourceCommandState.Enabled, Command(running, NsoCommands.Reload));
    }

    [Fact]
    public async Task The_daemon_runs_in_the_foreground_in_its_run_directory_with_only_this_instances_environment()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        var runner = h.Runner(nso);
        h.Processes.Returns("--wait-started", OrchestrationHarness.Ok);

        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var daemon = (await h.Processes.WaitForDaemonAsync()).Spec;
        var waitStarted = await h.Processes.WaitForRunAsync("--wait-started");

        var run = Path.Combine(h.Root, "run", "nso-1");
        Assert.Equal(h.NcsExecutable, daemon.FileName);
        Assert.Equal(["--cd", run, "-c", Path.Combine(run, "ncs.conf"), "--foreground", "-v", "--stop-on-eof"], daemon.Arguments);
        Assert.Equal(run, daemon.WorkingDirectory);
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["NCS_IPC_ADDR"] = "127.0.0.1",
                ["NCS_IPC_PORT"] = "24569",
                ["NCS_IPC_PATH"] = null,
                ["NCS_IPC_ACCESS_FILE"] = null,
                ["CONFD_IPC_ACCESS_FILE"] = null,
                ["sname"] = "ncs_nso_1",
                ["NCS_DIR"] = h.NcsDir,
            },
            daemon.Environment);

        // Readiness asks this instance, not whatever NCS_IPC_* the user's shell has.
        Assert.Equal(h.NcsExecutable, waitStarted.FileName);
        Assert.Equal(["--wait-started", "60", "--timeout", "60"], waitStarted.Arguments);
        Assert.Equal("24569", waitStarted.Environment["NCS_IPC_PORT"]);
        Assert.Null(waitStarted.Environment["NCS_IPC_PATH"]);
    }

    [Fact]
    public async Task Start_materializes_the_run_directory_with_the_planned_ncs_conf_env_sh_and_pid_file()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        var runner = h.Runner(nso);
        h.Processes.Returns("--wait-started", OrchestrationHarness.Ok);

        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        var run = new RunDirectory(Path.Combine(h.Root, "run", "nso-1"));
        foreach (var directory in new[] { "ncs-cdb", "logs", "state", "packages" })
        {
            Assert.True(Directory.Exists(run.Combine(directory)), directory);
        }

        var conf = XDocument.Load(run.NcsConf);
        Assert.Equal("127.0.0.1", Leaf(conf, "ncs-ipc-address", "ip"));
        Assert.Equal("24569", Leaf(conf, "ncs-ipc-address", "port"));
        Assert.Equal("24570", Leaf(conf, "netconf-north-bound", "transport", "ssh", "port"));
        Assert.Equal("24571", Leaf(conf, "cli", "ssh", "port"));

        var env = File.ReadAllLines(run.EnvScript);
        Assert.Contains("export NCS_IPC_ADDR='127.0.0.1'", env);
        Assert.Contains("export NCS_IPC_PORT='24569'", env);
        Assert.Contains("unset NCS_IPC_PATH", env);
        Assert.Contains("unset NCS_IPC_ACCESS_FILE", env);
        Assert.Contains("export sname='ncs_nso_1'", env);
        Assert.Contains($"export NCS_DIR='{h.NcsDir}'", env);

        Assert.Equal(4242, run.ReadState()?.Pid);
    }

    [Fact]
    public async Task A_daemon_that_exits_during_start_fails_to_start_with_the_meaning_of_its_exit_code_and_its_last_error()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        var runner = h.Runner(nso);
        h.Processes.Hangs("--wait-started");

        var starting = runner.StartAsync(CancellationToken.None);
        var daemon = await h.Processes.WaitForDaemonAsync();
        await h.Processes.WaitForRunAsync("--wait-started");
        daemon.Output(new OutputLine("<ERR> 26-Nov-2026::06:18:28.123 host ncs[42]: - Cannot bind to 127.0.0.1:24570: address already in use", false));
        daemon.Daemon.Exit(20); // NSO's exit code for a socket it could not bind
        await starting.WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var failed = await h.States.WaitForStateAsync("nso-1", KnownResourceStates.FailedToStart);

        Assert.Equal([KnownResourceStates.Starting, KnownResourceStates.FailedToStart], h.States.StatesOf("nso-1"));
        var reason = Property(failed, NsoResourceProperties.Failure);
        Assert.Contains("The daemon exited during startup with exit code 20 (failed to bind a socket: a port is in use", reason, StringComparison.Ordinal);
        Assert.Contains("Its last error: <ERR> 26-Nov-2026::06:18:28.123 host ncs[42]: - Cannot bind to 127.0.0.1:24570", reason, StringComparison.Ordinal);
        Assert.False(runner.IsRunning);
        Assert.Null(nso.RequirePlan().RunDirectory.ReadState()?.Pid);
    }

    internal static string? Property(CustomResourceSnapshot snapshot, string name) =>
        snapshot.Properties.SingleOrDefault(p => p.Name == name)?.Value as string;

    private static ResourceCommandState Command(CustomResourceSnapshot snapshot, string name) =>
        snapshot.Commands.Single(c => c.Name == name).State;

    private static string? Leaf(XDocument conf, params string[] path)
    {
        var element = conf.Root;
        foreach (var step in path)
        {
            element = element?.Element(NcsConfWriter.Ns + step);
        }

        return element?.Value;
    }
}
