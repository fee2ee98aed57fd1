using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NsoDev.SimBench;

/// <summary>
/// A temporary run directory with a minimal ncs.conf whose listeners use free ports on 127.0.0.1
/// (the shape of tests/NsoDev.Simulator.Tests/Processes/SimRunDirectory.cs).
/// </summary>
internal sealed class SimRunDirectory : IDisposable
{
    public SimRunDirectory()
    {
        Path = Directory.CreateTempSubdirectory("nso-simbench-").FullName;
        var ports = FreePorts(3);
        (IpcPort, NetconfPort, CliPort) = (ports[0], ports[1], ports[2]);
        File.WriteAllText(System.IO.Path.Combine(Path, "ncs.conf"), NcsConf(IpcPort, NetconfPort, CliPort));
    }

    public string Path { get; }

    public int IpcPort { get; }

    public int NetconfPort { get; }

    public int CliPort { get; }

    /// <summary>The arguments the orchestrator gives a daemon.</summary>
    public string[] DaemonArgs => ["--cd", Path, "-c", "ncs.conf", "--foreground", "--stop-on-eof"];

    /// <summary>What a control command needs to find this daemon over TCP.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => IpcEnvironment(IpcPort);

    public static IReadOnlyDictionary<string, string> IpcEnvironment(int port) => new Dictionary<string, string>
    {
        ["NCS_IPC_ADDR"] = "127.0.0.1",
        ["NCS_IPC_PORT"] = port.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Ports the OS says are free on 127.0.0.1; all held at once while asking, so they differ.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A daemon killed late may still hold a file; the OS cleans temp directories.
        }
    }

    private static string NcsConf(int ipc, int netconf, int cli) => $"""
        <ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">
          <load-path><dir>./packages</dir></load-path>
          <state-dir>./state</state-dir>
          <cdb><db-dir>./ncs-cdb</db-dir></cdb>
          <ncs-ipc-address><ip>127.0.0.1</ip><port>{ipc}</port></ncs-ipc-address>
          <netconf-north-bound>
            <transport><ssh><enabled>true</enabled><ip>127.0.0.1</ip><port>{netconf}</port></ssh></transport>
          </netconf-north-bound>
          <cli>
            <ssh><enabled>true</enabled><ip>127.0.0.1</ip><port>{cli}</port></ssh>
          </cli>
        </ncs-config>
        """;
}
