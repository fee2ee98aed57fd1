using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>A start never vanishes: whatever goes wrong ends on the instance's dashboard entry.</summary>
public sealed class StartFailureTests
{
    [Fact]
    public async Task An_unexpected_exception_while_launching_ends_in_FailedToStart_with_its_message()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        h.Processes.Returns("--version", new ProcessResult(0, "6.5\n", ""));
        await h.PrepareAsync();
        h.Processes.OnCall = spec =>
        {
            if (spec.Arguments.Contains("--foreground"))
            {
                throw new NotSupportedException("the platform cannot start this daemon");
            }
        };

        await h.Fleet.StartInstanceAsync(nso).WaitAsync(OrchestrationHarness.HangGuard, TestContext.Current.CancellationToken);
        var failed = await h.States.WaitForStateAsync("nso-1", KnownResourceStates.FailedToStart);

        Assert.Contains("the platform cannot start this daemon", InstanceStartTests.Property(failed, NsoResourceProperties.Failure), StringComparison.Ordinal);
        Assert.Empty(h.Processes.Daemons.Items);
    }

    [Fact]
    public async Task Without_setsid_the_app_host_says_loudly_that_ctrl_c_would_reach_nso()
    {
        await using var h = new OrchestrationHarness();
        h.Declare("nso-1");
        h.Processes.Returns("--version", new ProcessResult(0, "6.5\n", ""));
        h.Processes.Fake.StartsDaemonsInOwnSession = false;

        await h.PrepareAsync();

        Assert.Contains(h.FleetLog.Lines.Items, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("setsid is not installed", StringComparison.Ordinal) && e.Message.Contains("SIGINT", StringComparison.Ordinal));
    }
}
