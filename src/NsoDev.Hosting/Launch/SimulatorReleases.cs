using NsoDev.Ipc;

namespace NsoDev.Hosting.Launch;

/// <summary>The NSO releases nso-sim simulates: those whose ncs.conf element tree it knows. A test keeps this equal to nso-sim's own list.</summary>
internal static class SimulatorReleases
{
    /// <summary>What nso-sim simulates when <c>NSO_SIM_VERSION</c> is unset.</summary>
    public static readonly NsoRelease Default = new(6, 5);

    public static readonly IReadOnlyList<NsoRelease> All = [.. Enumerable.Range(1, 7).Select(minor => new NsoRelease(6, minor))];
}
