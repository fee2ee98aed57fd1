using NsoDev.Ipc;

namespace NsoDev.Testing.Tests.SideBySide;

/// <summary>What one environment was planned to own on this machine: TCP ports, Unix socket paths and directories.</summary>
/// <param name="Owner">The test class that started the environment.</param>
/// <param name="RunRoot">The environment's temporary run root.</param>
/// <param name="Ports">Every planned TCP port: IPC over TCP, NETCONF and CLI of every instance.</param>
/// <param name="Paths">Every planned path: Unix sockets and runtime directories.</param>
internal sealed record PlannedResources(string Owner, string RunRoot, IReadOnlySet<int> Ports, IReadOnlySet<string> Paths)
{
    public static PlannedResources Of(string owner, NsoTestEnvironment environment)
    {
        var ports = new List<int>();
        var paths = new List<string>();
        foreach (var instance in environment.Instances.Values)
        {
            switch (instance.Ipc)
            {
                case NsoIpcEndpoint.Tcp tcp:
                    ports.Add(tcp.Port);
                    break;
                case NsoIpcEndpoint.UnixSocket unix:
                    paths.Add(unix.Path);
                    break;
            }

            ports.AddRange(new[] { instance.NetconfPort, instance.CliPort }.OfType<int>());
            paths.Add(instance.RunDirectory);
        }

        // Every instance directory is RUNROOT/NAME. Nothing is asserted here: the record is published first.
        var runRoot = Path.GetDirectoryName(environment.Instances.Values.First().RunDirectory)!;
        return new PlannedResources(owner, runRoot, ports.ToHashSet(), paths.ToHashSet(StringComparer.Ordinal));
    }

    public string Describe() => $"{Owner}: ports {string.Join(", ", Ports.Order())}; paths {string.Join(", ", Paths.Order(StringComparer.Ordinal))}";
}
