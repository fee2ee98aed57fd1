using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>The engine is whatever `ncs --version` says; an executable that is not NSO is refused by name.</summary>
public sealed class EngineTests
{
    private static readonly TimeSpan HangGuard = OrchestrationHarness.HangGuard;

    [Fact]
    public async Task An_engine_that_is_not_nso_fails_the_instance_with_a_message_naming_the_executable()
    {
        await using var h = new OrchestrationHarness();
        var nso = h.Declare("nso-1");
        h.Processes.Returns("--version", new ProcessResult(0, "ConfD Basic 8.0.4\n", ""));
        await h.PrepareAsync();

        await h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var failed = await h.States.WaitForStateAsync("nso-1", KnownResourceStates.FailedToStart);

        var reason = InstanceStartTests.Property(failed, NsoResourceProperties.Failure);
        Assert.StartsWith($"'{h.NcsExecutable}' (from WithNsoInstallation(\"{h.NcsDir}\")) is not NSO: `ncs --version` printed 'ConfD Basic 8.0.4' with exit code 0", reason, StringComparison.Ordinal);
        var version = await h.Processes.WaitForRunAsync("--version");
        Assert.Equal(h.NcsExecutable, version.FileName);
        Assert.Empty(h.Processes.Daemons.Items);
        Assert.Null(nso.Published().Engine);
        Assert.Equal([KnownResourceStates.FailedToStart], h.States.StatesOf("nso-1"));
    }

    [Fact]
    public async Task An_ncs_dir_without_bin_ncs_is_refused_naming_the_path_without_running_anything()
    {
        await using var h = new OrchestrationHarness();
        var missing = Path.Combine(h.Root, "not-nso");

        var error = await Assert.ThrowsAsync<NsoEngineException>(() => h.Locator(new Dictionary<string, string?> { ["NCS_DIR"] = missing }).LocateAsync(new EngineChoice.Automatic(), CancellationToken.None));

        Assert.StartsWith($"NCS_DIR is '{missing}', but '{Path.Combine(missing, "bin", "ncs")}' does not exist.", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Processes.Runs.Items);
    }

    [Fact]
    public async Task An_ncs_that_cannot_be_run_is_refused_naming_it_and_where_it_came_from()
    {
        await using var h = new OrchestrationHarness();

        // Nothing is scripted for --version, so the fake runner throws as a missing executable would.
        var error = await Assert.ThrowsAsync<NsoEngineException>(() => h.Locator(new Dictionary<string, string?> { ["NCS_DIR"] = h.NcsDir }).LocateAsync(new EngineChoice.Automatic(), CancellationToken.None));

        Assert.StartsWith($"Could not run '{h.NcsExecutable}' (from $NCS_DIR): ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_simulator_is_recognised_by_its_version_line_and_is_asked_with_the_release_it_simulates()
    {
        await using var h = new OrchestrationHarness();
        h.Processes.Returns("--version", new ProcessResult(0, "6.4 (nso-sim, simulating NSO 6.4)\n", ""));
        var simulator = Path.Combine(h.Root, "nso-sim");

        var engine = await h.Locator(new Dictionary<string, string?> { [NcsEngineLocator.SimulatorOverrideVariable] = simulator })
            .LocateAsync(OrchestrationHarness.Simulator(6, 4), CancellationToken.None);

        Assert.True(engine.IsSimulator);
        Assert.Equal("6.4", engine.Version.ToString());
        Assert.Equal(simulator, engine.Executable);
        Assert.Equal("nso-sim (simulator of NSO 6.4)", engine.DisplayName);
        var version = await h.Processes.WaitForRunAsync("--version");
        Assert.Equal("6.4", version.Environment["NSO_SIM_VERSION"]);
        Assert.Equal("6.4", engine.Environment["NSO_SIM_VERSION"]);
    }
}
