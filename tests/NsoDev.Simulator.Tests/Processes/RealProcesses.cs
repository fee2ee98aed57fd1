namespace NsoDev.Simulator.Tests.Processes;

/// <summary>Real processes run one test at a time: timings stay meaningful and xunit's timeouts are honoured.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealProcesses
{
    public const string Name = "nso-sim processes";
}
