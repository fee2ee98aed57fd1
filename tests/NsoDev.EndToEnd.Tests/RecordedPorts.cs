using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;

namespace NsoDev.EndToEnd.Tests;

/// <summary>
/// The first instance of every app host asks for NSO's stock ports (4569, 2022, 2024, 8080), so tests
/// that run side by side would race for them, and a test that needs the same port in two runs could lose
/// it in between. A run directory's port record (in nsodev.json) is kept before any stock port is tried,
/// so each test's nso-1 gets a record of ports that no planner chooses: offsets 4 to 9 of a block, which
/// are below the kernel's ephemeral range too. The planner then keeps them as any recorded port, while free.
/// </summary>
internal static class RecordedPorts
{
    private static readonly HashSet<int> Given = [];

    /// <summary>Records ports in RUNDIRECTORY's state unless it has some, and returns what it holds.</summary>
    public static IReadOnlyDictionary<NsoPortKind, int> Seed(string runDirectory)
    {
        var run = new RunDirectory(runDirectory);
        if (run.ReadState() is not { } state)
        {
            var kinds = new[] { NsoPortKind.Ipc, NsoPortKind.Netconf, NsoPortKind.Cli, NsoPortKind.WebUi };
            state = RunState.From(kinds.Zip(Unplanned(4)).ToDictionary(p => p.First, p => p.Second), pid: null, executable: null, new Dictionary<string, string?>());
            run.WriteState(state);
        }

        return state.PlannedPorts;
    }

    /// <summary>Distinct ports that the port scheme never plans, free now, and not given before in this process.</summary>
    public static int[] Unplanned(int count)
    {
        var probe = new TcpPortProbe();
        var found = new List<int>();
        lock (Given)
        {
            for (var tries = 0; found.Count < count; tries++)
            {
                if (tries == 10_000)
                {
                    throw new InvalidOperationException($"No {count} free unplanned ports in {PortPlanner.BlockBase}-{PortPlanner.BlockBase + (PortPlanner.Bands * PortPlanner.BandSize) - 1}.");
                }

                var block = Random.Shared.Next(PortPlanner.Bands * PortPlanner.MaxInstances);
                var port = PortPlanner.BlockBase + (block * PortPlanner.BlockSize) + Random.Shared.Next(4, PortPlanner.BlockSize);
                if (Given.Add(port) && probe.IsFree(port))
                {
                    found.Add(port);
                }
            }
        }

        return [.. found];
    }
}
