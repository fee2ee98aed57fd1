using System.Globalization;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>A temporary run directory with an ncs.conf whose listeners use free ports on 127.0.0.1.</summary>
internal sealed class SimRunDirectory : IDisposable
{
    public SimRunDirectory(string? ncsConf = null)
    {
        Path = Directory.CreateTempSubdirectory("nso-sim-").FullName;
        var ports = FreePorts.Take(4);
        (IpcPort, NetconfPort, CliPort, WebuiPort) = (ports[0], ports[1], ports[2], ports[3]);
        File.WriteAllText(ConfPath, ncsConf ?? NcsConf(IpcPort, NetconfPort, CliPort));
    }

    public string Path { get; }

    public int IpcPort { get; }

    public int NetconfPort { get; }

    public int CliPort { get; }

    /// <summary>Free for a test that turns the web UI on; the default ncs.conf leaves it off.</summary>
    public int WebuiPort { get; }

    public string ConfPath => System.IO.Path.Combine(Path, "ncs.conf");

    public string NcsLogPath => System.IO.Path.Combine(Path, "logs", "ncs.log");

    public string NcsLog => File.Exists(NcsLogPath) ? File.ReadAllText(NcsLogPath) : string.Empty;

    /// <summary>The arguments the orchestrator gives a daemon.</summary>
    public string[] DaemonArgs => ["--cd", Path, "-c", "ncs.conf", "--foreground", "-v", "--stop-on-eof"];

    /// <summary>What a control command needs to find this daemon.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["NCS_IPC_ADDR"] = "127.0.0.1",
        ["NCS_IPC_PORT"] = IpcPort.ToString(CultureInfo.InvariantCulture),
    };

    public static string NcsConf(int ipc, int netconf, int cli, string extra = "") => $"""
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
        {extra}
        </ncs-config>
        """;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A daemon killed late may still hold a file; the temp directory is cleaned by the OS.
        }
    }
}
