using NsoDev.Ipc;

namespace NsoDev.Hosting.Launch;

/// <summary>The <c>ncs</c> program an instance runs: a real NSO local install, or the bundled nso-sim.</summary>
internal sealed record NcsEngine(string Executable, NsoRelease Version, bool IsSimulator)
{
    /// <summary>Added to every process of this engine, such as nso-sim's <c>NSO_SIM_VERSION</c>; empty for NSO.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The <c>ncs</c> verbs of this engine, each with <see cref="Environment"/>.</summary>
    public NcsCommandLine CommandLine => new(Executable, Environment);

    /// <summary>Which build of nso-sim runs, as its <c>--version</c> says (<c>native build</c> or <c>JIT build</c>); null for NSO.</summary>
    public string? SimulatorBuild { get; init; }

    /// <summary>For the dashboard: which engine runs, so nobody mistakes the simulator for NSO, and which build of it.</summary>
    public string DisplayName => IsSimulator
        ? $"nso-sim{(SimulatorBuild is { } build ? ", " + build : "")} (simulator of NSO {Version})"
        : $"Cisco NSO {Version}";

    /// <summary>
    /// The daemon's NCS_DIR, which the stock ncs.conf refers to (<c>${NCS_DIR}/etc/ncs</c>) and NSO
    /// refuses to leave undefined: the installation for NSO; for nso-sim, the folder it is in.
    /// </summary>
    public string InstallationDirectory => Path.GetDirectoryName(IsSimulator ? Path.GetFullPath(Executable) : Path.GetDirectoryName(Executable))!;
}
