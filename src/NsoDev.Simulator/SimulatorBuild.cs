namespace NsoDev.Simulator;

/// <summary>Which build of nso-sim runs: compiled natively ahead of time, or on the .NET runtime's JIT.</summary>
internal static class SimulatorBuild
{
    /// <summary><c>native build</c> or <c>JIT build</c>, as <c>--version</c> and <c>--status</c> print it and NsoDev's dashboard shows it.</summary>
#if NSO_SIM_NATIVE
    public const string Name = "native build";
#else
    public const string Name = "JIT build";
#endif
}
