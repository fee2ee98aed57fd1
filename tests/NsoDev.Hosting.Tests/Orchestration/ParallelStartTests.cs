using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>
/// Aspire raises each resource's initialize event after the previous handler reached its first await, so a
/// start must hand its synchronous work (materializing, spawning) to the thread pool; else the instances
/// would start one after another.
/// </summary>
public sealed class ParallelStartTests
{
    [Fact]
    public async Task A_start_returns_to_Aspire_before_it_materializes_and_spawns_the_daemon()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        h.Processes.Returns("--version", new ProcessResult(0, "6.5\n", "")).Returns("--wait-started", OrchestrationHarness.Ok);
        await h.PrepareAsync();
        using var returned = new ManualResetEventSlim();
        bool? returnedBeforeSpawn = null;
        h.Processes.OnCall = spec =>
        {
            if (spec.Arguments.Contains("--foreground"))
            {
                // Bounded: without the hand-off this runs inside the call below, which cannot have returned.
                returnedBeforeSpawn = returned.Wait(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
            }
        };

        var start = h.Fleet.StartInstanceAsync(nso);
        returned.Set();
        await start.WaitAsync(OrchestrationHarness.HangGuard, TestContext.Current.CancellationToken);
        await h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);

        Assert.True(returnedBeforeSpawn);
    }
}
