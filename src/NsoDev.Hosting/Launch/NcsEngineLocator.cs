using NsoDev.Ipc;

namespace NsoDev.Hosting.Launch;

/// <summary>Which engine the user asked for.</summary>
internal abstract record EngineChoice
{
    /// <summary>NSO from $NCS_DIR, then <c>ncs</c> on PATH, else the simulator.</summary>
    public sealed record Automatic : EngineChoice;

    public sealed record Installation(string NcsDir) : EngineChoice;

    /// <summary>nso-sim; <paramref name="Release"/> is the NSO release it simulates (<c>NSO_SIM_VERSION</c>), null for its default.</summary>
    public sealed record Simulator(NsoRelease? Release = null) : EngineChoice
    {
        /// <summary>What every nso-sim process of this engine gets: the daemon, its control commands and <c>--version</c>.</summary>
        public IReadOnlyDictionary<string, string?> Environment =>
            Release is { } release ? new Dictionary<string, string?> { [SimulatedReleaseVariable] = release.ToString() } : new Dictionary<string, string?>();
    }

    /// <summary>nso-sim reads the release to simulate from this variable.</summary>
    public const string SimulatedReleaseVariable = "NSO_SIM_VERSION";
}

/// <summary>Finds the <c>ncs</c> to run and asks it for its version (<c>ncs --version</c> needs no daemon).</summary>
internal sealed class NcsEngineLocator(IProcessRunner runner, Func<string, string?> getEnvironment)
{
    public const string SimulatorOverrideVariable = "NSODEV_SIMULATOR";

    private const string SimulatorName = "nso-sim";

    public NcsEngineLocator(IProcessRunner runner)
        : this(runner, Environment.GetEnvironmentVariable)
    {
    }

    public async Task<NcsEngine> LocateAsync(EngineChoice choice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(choice);
        switch (choice)
        {
            case EngineChoice.Simulator simulator:
                return await ProbeAsync(SimulatorExecutable(), "the bundled simulator", cancellationToken, simulator.Environment);
            case EngineChoice.Installation installation:
                var explicitNcs = Path.Combine(installation.NcsDir, "bin", "ncs");
                if (!File.Exists(explicitNcs))
                {
                    throw new NsoEngineException($"No NSO installation at '{installation.NcsDir}': '{explicitNcs}' does not exist. Point WithNsoInstallation at the directory that holds bin/ncs (NSO's NCS_DIR), or use RunAsSimulator().");
                }

                return await ProbeAsync(explicitNcs, $"WithNsoInstallation(\"{installation.NcsDir}\")", cancellationToken);
            default:
                var ncsDir = getEnvironment("NCS_DIR");
                if (!string.IsNullOrEmpty(ncsDir))
                {
                    var fromNcsDir = Path.Combine(ncsDir, "bin", "ncs");
                    if (!File.Exists(fromNcsDir) && File.Exists(Path.Combine(ncsDir, SimulatorName)))
                    {
                        // nso-sim's folder: the NCS_DIR that an env.sh of a simulated instance exports.
                        return await ProbeAsync(SimulatorExecutable(), "the bundled simulator ($NCS_DIR is nso-sim's folder, from an instance's env.sh)", cancellationToken);
                    }

                    if (!File.Exists(fromNcsDir))
                    {
                        throw new NsoEngineException($"NCS_DIR is '{ncsDir}', but '{fromNcsDir}' does not exist. Source the ncsrc of a valid NSO local install, or unset NCS_DIR to use the simulator.");
                    }

                    return await ProbeAsync(fromNcsDir, "$NCS_DIR", cancellationToken);
                }

                var onPath = FindOnPath("ncs");
                if (onPath is not null && Path.GetFileName(FinalTarget(onPath)) == SimulatorName)
                {
                    // The bin/ncs link that an env.sh of a simulated instance puts on PATH: no NSO, the simulator.
                    return await ProbeAsync(SimulatorExecutable(), $"the bundled simulator ({onPath} on PATH links to nso-sim)", cancellationToken);
                }

                return onPath is null
                    ? await ProbeAsync(SimulatorExecutable(), "the bundled simulator", cancellationToken)
                    : await ProbeAsync(onPath, "PATH", cancellationToken);
        }
    }

    private async Task<NcsEngine> ProbeAsync(string executable, string source, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null)
    {
        environment ??= new Dictionary<string, string?>();
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(new NcsCommandLine(executable, environment).Version(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new NsoEngineException($"Could not run '{executable}' (from {source}): {ex.Message}. Check the NSO installation, or use RunAsSimulator().");
        }

        var firstLine = result.StandardOutput.Split('\n', 2)[0].Trim();
        if (result.ExitCode != 0 || !NsoRelease.TryParse(firstLine, out var version))
        {
            throw new NsoEngineException($"'{executable}' (from {source}) is not NSO: `ncs --version` printed '{Shorten(result.Output)}' with exit code {result.ExitCode}, where NSO prints a version such as 6.5. Point NCS_DIR or WithNsoInstallation at a real NSO local install, or use RunAsSimulator().");
        }

        var isSimulator = firstLine.Contains("nso-sim", StringComparison.Ordinal);
        return new NcsEngine(executable, version, isSimulator) { Environment = environment, SimulatorBuild = isSimulator ? BuildOf(firstLine) : null };
    }

    private string SimulatorExecutable()
    {
        var overridden = getEnvironment(SimulatorOverrideVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return overridden;
        }

        // The native build, where this machine could compile one, starts faster and is smaller.
        var native = Path.Combine(AppContext.BaseDirectory, "native", "nso-sim");
        if (File.Exists(native))
        {
            return native;
        }

        var bundled = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "nso-sim.exe" : SimulatorName);
        if (!File.Exists(bundled))
        {
            throw new NsoEngineException($"The simulator '{bundled}' is missing and no NSO was found. Rebuild the AppHost (it copies nso-sim beside itself), set {SimulatorOverrideVariable}, or install NSO and set NCS_DIR.");
        }

        return bundled;
    }

    /// <summary>"native build" from "6.5 (nso-sim, a simulator of Cisco NSO; native build)"; null when it does not say.</summary>
    private static string? BuildOf(string versionLine)
    {
        var start = versionLine.LastIndexOf("; ", StringComparison.Ordinal);
        return start >= 0 && versionLine.EndsWith(" build)", StringComparison.Ordinal) ? versionLine[(start + 2)..^1] : null;
    }

    private string? FindOnPath(string program)
    {
        var path = getEnvironment("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The file at the end of <paramref name="path"/>'s chain of links; <paramref name="path"/> itself when it is no link or the chain is broken.</summary>
    internal static string FinalTarget(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";
}

/// <summary>No usable engine; the message says what was found and what to do.</summary>
internal sealed class NsoEngineException(string message) : InvalidOperationException(message);
