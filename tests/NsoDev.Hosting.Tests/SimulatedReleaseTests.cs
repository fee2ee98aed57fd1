using NsoDev.Hosting.Launch;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests;

/// <summary><c>RunAsSimulator("6.3")</c> runs every nso-sim process of the instance with <c>NSO_SIM_VERSION=6.3</c>.</summary>
public class SimulatedReleaseTests
{
    [Fact]
    public async Task The_simulated_release_reaches_version_the_daemon_and_the_control_commands()
    {
        var runner = new FakeProcessRunner().Returns("--version", new ProcessResult(0, "6.3 (nso-sim, a simulator of Cisco NSO)\n", string.Empty));
        var locator = new NcsEngineLocator(runner, name => name == NcsEngineLocator.SimulatorOverrideVariable ? "/opt/nso-sim" : null);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var engine = await locator.LocateAsync(new EngineChoice.Simulator(new NsoRelease(6, 3)), cts.Token);
        var control = new Dictionary<string, string?> { ["NCS_IPC_PORT"] = "20010" };

        Assert.Equal(new NsoRelease(6, 3), engine.Version);
        Assert.Equal("6.3", Assert.Single(runner.Calls).Environment[EngineChoice.SimulatedReleaseVariable]);
        Assert.Equal("6.3", engine.CommandLine.Daemon("/run/nso-1", "/run/nso-1/ncs.conf", control).Environment[EngineChoice.SimulatedReleaseVariable]);
        Assert.Equal("6.3", engine.CommandLine.Status(control).Environment[EngineChoice.SimulatedReleaseVariable]);
        Assert.Equal("20010", engine.CommandLine.Stop(control).Environment["NCS_IPC_PORT"]);
    }

    [Fact]
    public async Task Without_a_release_nso_sim_gets_no_version_variable_and_keeps_its_default()
    {
        var runner = new FakeProcessRunner().Returns("--version", new ProcessResult(0, "6.5 (nso-sim, a simulator of Cisco NSO)\n", string.Empty));
        var locator = new NcsEngineLocator(runner, name => name == NcsEngineLocator.SimulatorOverrideVariable ? "/opt/nso-sim" : null);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var engine = await locator.LocateAsync(new EngineChoice.Simulator(), cts.Token);

        Assert.False(engine.CommandLine.Status(new Dictionary<string, string?>()).Environment.ContainsKey(EngineChoice.SimulatedReleaseVariable));
        Assert.Equal(new NsoRelease(6, 5), engine.Version);
    }

    [Theory]
    [InlineData("6.5 (nso-sim, a simulator of Cisco NSO; native build)", "nso-sim, native build (simulator of NSO 6.5)")]
    [InlineData("6.4 (nso-sim, a simulator of Cisco NSO; JIT build)", "nso-sim, JIT build (simulator of NSO 6.4)")]
    [InlineData("6.5 (nso-sim, a simulator of Cisco NSO)", "nso-sim (simulator of NSO 6.5)")]
    [InlineData("6.5.1", "Cisco NSO 6.5")]
    public async Task The_dashboards_engine_name_says_which_build_of_nso_sim_runs(string versionLine, string displayName)
    {
        var runner = new FakeProcessRunner().Returns("--version", new ProcessResult(0, versionLine + "\n", string.Empty));
        var locator = new NcsEngineLocator(runner, name => name == NcsEngineLocator.SimulatorOverrideVariable ? "/opt/nso-sim" : null);

        var engine = await locator.LocateAsync(new EngineChoice.Simulator(), TestContext.Current.CancellationToken);

        Assert.Equal(displayName, engine.DisplayName);
    }
}
