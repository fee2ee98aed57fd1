namespace NsoDev.Simulator.Tests.Processes;

/// <summary>NSO_SIM_START_DELAY: NSO-like start times for benchmarks, visible in `--status`, and refused when it is not a duration.</summary>
[Collection(RealProcesses.Name)]
public sealed class StartDelayProcessTests : DaemonProcessTest
{
    [Fact(Timeout = 90_000)]
    public async Task A_delayed_start_shows_its_phases_and_the_delay_in_status_until_it_has_started()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Daemon = NsoSimProcess.Start(Run.DaemonArgs, new Dictionary<string, string> { ["NSO_SIM_START_DELAY"] = "8" });

        // IPC opens in phase 0, so the first status that answers comes while the delay runs.
        var early = await FirstAnsweredStatusAsync(cancellationToken);
        var started = await NsoSimProcess.RunAsync(["--wait-started", NsoSimProcess.WaitStartedSeconds], Run.ClientEnvironment, cancellationToken);
        var late = await NsoSimProcess.RunAsync(["--status"], Run.ClientEnvironment, cancellationToken);

        Assert.Matches("status: phase[01]\n", early);
        Assert.Contains("start-delay: 8 s (NSO_SIM_START_DELAY, for benchmarks)\n", early, StringComparison.Ordinal);
        Assert.Equal(0, started.ExitCode);
        Assert.Contains("status: started\n", late.Stdout, StringComparison.Ordinal);
        Assert.Contains("start-delay: 8 s", late.Stdout, StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("two")]
    [InlineData("-1")]
    [InlineData("601")]
    public async Task A_start_delay_that_is_not_seconds_from_0_to_600_is_refused_with_its_value(string value)
    {
        await using var daemon = NsoSimProcess.Start(Run.DaemonArgs, new Dictionary<string, string> { ["NSO_SIM_START_DELAY"] = value });

        var exitCode = await daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Contains($"NSO_SIM_START_DELAY=\"{value}\" is not a number of seconds from 0 to 600", daemon.Stderr, StringComparison.Ordinal);
    }

    private async Task<string> FirstAnsweredStatusAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await NsoSimProcess.RunAsync(["--status"], Run.ClientEnvironment, cancellationToken);
            if (status.ExitCode == 0)
            {
                return status.Stdout;
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
