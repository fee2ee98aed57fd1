using System.Diagnostics;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Tests.Orchestration;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests;

/// <summary>
/// env.sh as a person uses it: <c>. env.sh</c> in a plain /bin/sh, then NSO's commands. On the
/// simulator, <c>ncs</c> is nso-sim through the run directory's bin/ncs; with NSO, env.sh leaves PATH alone.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EnvScriptTests
{
    private const string SimulatorVersion = "6.5 (nso-sim, a simulator of Cisco NSO; JIT build)";

    [Fact]
    public async Task On_the_simulator_ncs_after_sourcing_env_sh_is_the_nso_sim_the_instance_runs()
    {
        await using var h = new OrchestrationHarness();
        var plan = h.Plan(h.Declare("nso-1"));
        var simulator = FakeSimulator(h.Root);

        await InstanceMaterializer.MaterializeAsync(plan, Simulator(simulator), TestContext.Current.CancellationToken);

        var run = plan.RunDirectory;
        Assert.Equal(simulator, new FileInfo(run.NcsShim).LinkTarget);
        // A PATH without any ncs, as on a machine with no NSO: sourced twice, PATH gains the folder once.
        var (output, exitCode) = await ShellAsync(run, ". ./env.sh && . ./env.sh && ncs --version && command -v ncs && echo \"$PATH\"");

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(SimulatorVersion, lines[0]);
        Assert.Equal(run.NcsShim, lines[1]);
        Assert.Equal($"{Path.Combine(run.Path, "bin")}:/usr/bin:/bin", lines[2]);

        // Tools that read env.sh's variables take each export line as export NAME='value'.
        Assert.All(
            (await File.ReadAllLinesAsync(run.EnvScript, TestContext.Current.CancellationToken)).Where(l => l.StartsWith("export ", StringComparison.Ordinal)),
            line => Assert.Matches("^export [A-Za-z_][A-Za-z0-9_]*='.*'$", line));
    }

    [Fact]
    public async Task With_nso_env_sh_does_not_touch_path_and_a_link_left_by_a_simulated_run_is_removed()
    {
        await using var h = new OrchestrationHarness();
        var plan = h.Plan(h.Declare("nso-1"));
        await InstanceMaterializer.MaterializeAsync(plan, Simulator(FakeSimulator(h.Root)), TestContext.Current.CancellationToken);

        // The same instance, now on a real NSO (the harness's fake install).
        await InstanceMaterializer.MaterializeAsync(plan, h.Engine, TestContext.Current.CancellationToken);

        var run = plan.RunDirectory;
        Assert.False(File.Exists(run.NcsShim) || new FileInfo(run.NcsShim).LinkTarget is not null);
        Assert.DoesNotContain(await File.ReadAllLinesAsync(run.EnvScript, TestContext.Current.CancellationToken), line => line.Contains("PATH=", StringComparison.Ordinal) || line.Contains("export PATH", StringComparison.Ordinal));
        var (output, _) = await ShellAsync(run, ". ./env.sh && echo \"$PATH\"");
        Assert.Equal("/usr/bin:/bin", output.Trim());
    }

    [Fact]
    public async Task An_engine_found_through_an_instances_own_bin_ncs_is_linked_to_nso_sim_itself_not_to_the_link()
    {
        await using var h = new OrchestrationHarness();
        var plan = h.Plan(h.Declare("nso-1"));
        var simulator = FakeSimulator(h.Root);
        await InstanceMaterializer.MaterializeAsync(plan, Simulator(simulator), TestContext.Current.CancellationToken);

        // An app host started from a shell that sourced this env.sh finds bin/ncs on PATH.
        await InstanceMaterializer.MaterializeAsync(plan, Simulator(plan.RunDirectory.NcsShim), TestContext.Current.CancellationToken);

        Assert.Equal(simulator, new FileInfo(plan.RunDirectory.NcsShim).LinkTarget);
        Assert.Equal(SimulatorVersion, (await ShellAsync(plan.RunDirectory, ". ./env.sh && ncs --version")).Output.Trim());
    }

    [Fact]
    public async Task The_locator_takes_an_env_sh_of_a_simulated_instance_for_no_nso_and_runs_the_simulator()
    {
        await using var h = new OrchestrationHarness();
        var simulator = FakeSimulator(h.Root);
        var shimFolder = Directory.CreateDirectory(Path.Combine(h.Root, "run", "nso-1", "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(shimFolder, "ncs"), simulator);
        var version = new ProcessResult(0, SimulatorVersion + "\n", "");
        h.Processes.Returns("--version", version, version);

        // What such an env.sh exports: NCS_DIR is nso-sim's folder, and bin/ncs is first on PATH.
        var fromNcsDir = await h.Locator(new Dictionary<string, string?>
        {
            ["NCS_DIR"] = Path.GetDirectoryName(simulator),
            ["PATH"] = shimFolder,
            [NcsEngineLocator.SimulatorOverrideVariable] = simulator,
        }).LocateAsync(new EngineChoice.Automatic(), CancellationToken.None);
        var fromPath = await h.Locator(new Dictionary<string, string?>
        {
            ["PATH"] = shimFolder,
            [NcsEngineLocator.SimulatorOverrideVariable] = simulator,
        }).LocateAsync(new EngineChoice.Automatic(), CancellationToken.None);

        Assert.True(fromNcsDir.IsSimulator);
        Assert.Equal(simulator, fromNcsDir.Executable);
        Assert.True(fromPath.IsSimulator);
        Assert.Equal(simulator, fromPath.Executable);
    }

    private static NcsEngine Simulator(string executable) => new(executable, new NsoRelease(6, 5), IsSimulator: true);

    /// <summary>A stand-in for nso-sim in a folder of its own: it answers --version as nso-sim does.</summary>
    private static string FakeSimulator(string root)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "sim")).FullName;
        var path = Path.Combine(folder, "nso-sim");
        File.WriteAllText(path, $"#!/bin/sh\necho '{SimulatorVersion}'\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Runs <paramref name="script"/> in /bin/sh in the run directory, with a PATH that holds no ncs.</summary>
    private static async Task<(string Output, int ExitCode)> ShellAsync(RunDirectory run, string script)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", script]) { WorkingDirectory = run.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = "/usr/bin:/bin";
        using var shell = Process.Start(start)!;
        var output = await shell.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await shell.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await shell.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(shell.ExitCode == 0, $"/bin/sh -c '{script}' exited {shell.ExitCode}: {error}");
        return (output, shell.ExitCode);
    }
}
