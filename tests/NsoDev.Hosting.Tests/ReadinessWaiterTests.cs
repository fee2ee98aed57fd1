using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Ready;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests;

public class ReadinessWaiterTests
{
    private static readonly NcsCommandLine Ncs = new("/opt/ncs/bin/ncs");
    private static readonly Dictionary<string, string?> Environment = new() { ["NCS_IPC_PORT"] = "20010" };
    private static readonly ProcessResult NoConnection = new(2, "", "connection refused (wait-started)");
    private static readonly ProcessResult Started = new(0, "", "");

    [Fact(Timeout = 10_000)]
    public async Task One_wait_started_gets_the_whole_budget_as_its_try_time_and_timeout()
    {
        var runner = new FakeProcessRunner().Returns("--wait-started", Started);
        var never = new TaskCompletionSource<int>().Task;

        var result = await new ReadinessWaiter(runner, TimeProvider.System).WaitAsync(Ncs, Environment, never, TimeSpan.FromSeconds(59.2), TestContext.Current.CancellationToken);

        Assert.True(result.Started);
        var call = Assert.Single(runner.Calls);
        Assert.Equal(["--wait-started", "60", "--timeout", "60"], call.Arguments);
        Assert.Equal("20010", call.Environment["NCS_IPC_PORT"]);
    }

    [Fact(Timeout = 10_000)]
    public async Task No_connection_within_the_budget_is_reported_as_not_started_in_time_and_not_retried()
    {
        var runner = new FakeProcessRunner().Returns("--wait-started", NoConnection, Started);

        var result = await new ReadinessWaiter(runner, TimeProvider.System).WaitAsync(Ncs, Environment, new TaskCompletionSource<int>().Task, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.False(result.Started);
        Assert.Equal(1, runner.CountOf("--wait-started"));
        Assert.Contains("did not report started within 5 s (`ncs --wait-started` ended with exit code 2", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_daemon_that_exits_during_startup_is_reported_by_the_meaning_of_its_exit_code()
    {
        var runner = new FakeProcessRunner().Hangs("--wait-started");
        var exited = new TaskCompletionSource<int>();
        var waiting = new ReadinessWaiter(runner, TimeProvider.System).WaitAsync(Ncs, Environment, exited.Task, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        exited.SetResult(NcsExitCodes.BindFailed);
        var result = await waiting;

        Assert.False(result.Started);
        Assert.Contains("exit code 20 (failed to bind a socket: a port is in use", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Another_failure_of_wait_started_is_not_retried()
    {
        var runner = new FakeProcessRunner().Returns("--wait-started", new ProcessResult(1, "", "internal error"));

        var result = await new ReadinessWaiter(runner, TimeProvider.System).WaitAsync(Ncs, Environment, new TaskCompletionSource<int>().Task, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.False(result.Started);
        Assert.Equal(1, runner.CountOf("--wait-started"));
        Assert.Contains("failed with exit code 1 (internal error", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_daemon_that_never_starts_fails_after_the_total_timeout()
    {
        var runner = new FakeProcessRunner().Hangs("--wait-started");

        var result = await new ReadinessWaiter(runner, TimeProvider.System).WaitAsync(Ncs, Environment, new TaskCompletionSource<int>().Task, TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);

        Assert.False(result.Started);
        Assert.Contains("did not report started within", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_daemon_is_started_in_the_foreground_and_stops_on_eof()
    {
        var spec = Ncs.Daemon("/run/nso-1", "/run/nso-1/ncs.conf", new Dictionary<string, string?>());

        Assert.Equal(["--cd", "/run/nso-1", "-c", "/run/nso-1/ncs.conf", "--foreground", "-v", "--stop-on-eof"], spec.Arguments);
    }
}
