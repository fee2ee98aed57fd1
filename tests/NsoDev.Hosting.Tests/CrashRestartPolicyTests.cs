using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NsoDev.Hosting.Serve;

namespace NsoDev.Hosting.Tests;

public class CrashRestartPolicyTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(40, 30)]
    public void The_delay_before_a_restart_doubles_from_one_second_up_to_thirty(int restart, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), CrashRestartPolicy.Delay(restart));

    [Fact(Timeout = 10_000)]
    public async Task A_start_that_keeps_failing_is_tried_at_most_the_cap_with_growing_delays_announced()
    {
        var time = new FakeTimeProvider();
        var policy = new CrashRestartPolicy(time);
        var announced = new List<(int Attempt, TimeSpan Delay)>();
        var starts = 0;

        var restarting = policy.RestartAsync("nso-1", NullLogger.Instance, (a, d) => { lock (announced) { announced.Add((a, d)); } return Task.CompletedTask; }, _ => { Interlocked.Increment(ref starts); return Task.FromResult(false); });
        while (!restarting.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        Assert.False(await restarting);
        Assert.Equal(CrashRestartPolicy.MaxRestarts, starts);
        Assert.Equal([1, 2, 4, 8, 16], announced.Select(a => (int)a.Delay.TotalSeconds));
        Assert.False(await policy.RestartAsync("nso-1", NullLogger.Instance, (_, _) => Task.CompletedTask, _ => Task.FromResult(true)));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_start_that_succeeds_ends_the_restart_after_one_try()
    {
        var time = new FakeTimeProvider();
        var policy = new CrashRestartPolicy(time);

        var restarting = policy.RestartAsync("nso-1", NullLogger.Instance, (_, _) => Task.CompletedTask, _ => Task.FromResult(true));
        while (!restarting.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        Assert.True(await restarting);
        Assert.Equal(1, policy.Restarts);
    }
}
