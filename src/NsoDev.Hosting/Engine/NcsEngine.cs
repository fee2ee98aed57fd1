using NsoDev.Hosting.Materialize;

namespace NsoDev.Hosting.Engine;

/// <summary>The <c>ncs</c> program an instance runs: a real NSO local install, or the bundled nso-sim.</summary>
internal sealed record NcsEngine(string Executable, NsoVersion Version, bool IsSimulator)
{
    /// <summary>For the dashboard: which engine runs, so nobody mistakes the simulator for NSO.</summary>
    public string DisplayName => IsSimulator ? $"nso-sim (simulator of NSO {Version})" : $"Cisco NSO {Version}";

    /// <summary>The NSO installation directory, for NCS_DIR; the simulator has none.</summary>
    public string? InstallationDirectory => IsSimulator ? null : Path.GetDirectoryName(Path.GetDirectoryName(Executable));
}
