using System.Globalization;
using NsoDev.Hosting.Planning;

namespace NsoDev.EndToEnd.Tests;

/// <summary>
/// The first instance of every app host asks for NSO's stock ports (4569, 2022, 2024, 8080), so tests
/// that run side by side would race for them, and a test that needs the same port in two runs could lose
/// it in between. A run directory's port record (nsodev.ports) is kept before any stock port is tried,
/// so each test's nso-1 gets a record of ports that no planner chooses: offsets 4 to 9 of a block, which
/// are below the kernel's ephemeral range too. The planner then keeps them as any recorded port, while free.
/// </summary>
internal static class RecordedPorts
{
    private static readonly HashSet<int> Given = [];

    /// <summary>Writes RUNDIRECTORY/nsodev.ports unless there is one, and returns what it holds.</summary>
    public static IReadOnlyDictionary<NsoPortKind, int> Seed(string runDirectory)
    {
        var file = Path.Combine(runDirectory, "nsodev.ports");
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(runDirectory);
            var ports = Unplanned(4);
            var kinds = new[] { NsoPortKind.Ipc, NsoPortKind.Netconf, NsoPortKind.Cli, NsoPortKind.WebUi };
            File.WriteAllLines(file, kinds.Zip(ports, (kind, port) => string.Create(CultureInfo.InvariantCulture, $"{kind.EndpointName()} {port}")));
        }

        return File.ReadAllLines(file)
            .Select(l => l.Split(' '))
            .ToDictionary(f => NsoPortKinds.FromEndpointName(f[0])!.Value, f => int.Parse(f[1], CultureInfo.InvariantCulture));
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
