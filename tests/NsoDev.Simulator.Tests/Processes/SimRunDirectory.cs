using System.Globalization;
using System.Text;

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

    /// <summary>Where local-IPC tests put the Unix socket; its directory does not exist until the daemon makes it.</summary>
    public string SocketPath => System.IO.Path.Combine(Path, "ipc", "nso-ipc");

    public string SecretPath => System.IO.Path.Combine(Path, "ipc_access");

    public string NcsLogPath => LogPath("ncs.log");

    public string NcsLog => ReadLog("ncs.log");

    public string AuditLog => ReadLog("audit.log");

    /// <summary>The arguments the orchestrator gives a daemon.</summary>
    public string[] DaemonArgs => ["--cd", Path, "-c", "ncs.conf", "--foreground", "-v", "--stop-on-eof"];

    /// <summary>What a control command needs to find this daemon over TCP.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["NCS_IPC_ADDR"] = "127.0.0.1",
        ["NCS_IPC_PORT"] = IpcPort.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>What a control command needs to find this daemon on <see cref="SocketPath"/>; the TCP variables are set too, and lose.</summary>
    public IReadOnlyDictionary<string, string> LocalClientEnvironment => new Dictionary<string, string>(ClientEnvironment)
    {
        ["NCS_IPC_PATH"] = SocketPath,
    };

    /// <summary>ncs.conf turning local IPC on at <see cref="SocketPath"/>.</summary>
    public string LocalIpc => $"<ncs-local-ipc><enabled>true</enabled><path>{SocketPath}</path></ncs-local-ipc>";

    /// <summary>ncs.conf turning the access check on with <see cref="SecretPath"/>.</summary>
    public string AccessCheck => $"<ncs-ipc-access-check><enabled>true</enabled><filename>{SecretPath}</filename></ncs-ipc-access-check>";

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

    /// <summary>Rewrites ncs.conf with this directory's ports and <paramref name="extra"/> elements.</summary>
    public void WriteConf(string extra) => File.WriteAllText(ConfPath, NcsConf(IpcPort, NetconfPort, CliPort, extra));

    /// <summary>Writes the access secret, byte for byte, with mode 0400 unless told otherwise.</summary>
    public void WriteSecret(string secret, UnixFileMode mode = UnixFileMode.UserRead)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The access-check tests need Unix file modes.");
        }

        if (File.Exists(SecretPath))
        {
            File.SetUnixFileMode(SecretPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllBytes(SecretPath, Encoding.UTF8.GetBytes(secret));
        File.SetUnixFileMode(SecretPath, mode);
    }

    public string LogPath(string name) => System.IO.Path.Combine(Path, "logs", name);

    public string ReadLog(string name) => File.Exists(LogPath(name)) ? File.ReadAllText(LogPath(name)) : string.Empty;

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
