using System.Globalization;
using System.Text;

namespace NsoDev.Tests;

/// <summary>
/// Shared by the test projects and the benchmarks (linked, not referenced). A temporary run directory
/// with an ncs.conf whose listeners use free ports on 127.0.0.1 (NETCONF and the CLI can be off), and
/// the paths and commands that go with it. Removed on dispose.
/// </summary>
internal sealed class SimRunDirectory : IDisposable
{
    private string _extra = string.Empty;
    private string? _written;

    /// <param name="northbound">NETCONF and the CLI over SSH on; off for tests that need IPC only.</param>
    public SimRunDirectory(bool northbound = true)
    {
        Northbound = northbound;
        Path = Directory.CreateTempSubdirectory("nso-sim-").FullName;
        TakePorts();
        WriteConf(string.Empty);
    }

    /// <summary>Writes <paramref name="ncsConf"/> instead of the default file.</summary>
    public SimRunDirectory(string ncsConf)
        : this()
    {
        File.WriteAllText(ConfPath, ncsConf);
    }

    public string Path { get; }

    public bool Northbound { get; }

    public int IpcPort { get; private set; }

    public int NetconfPort { get; private set; }

    public int CliPort { get; private set; }

    /// <summary>Free for a test that turns the web UI on; the default ncs.conf leaves it off.</summary>
    public int WebuiPort { get; private set; }

    /// <summary><c>-v</c>, as the orchestrator runs a daemon: ncs.log lines go to stdout too.</summary>
    public bool Verbose { get; init; } = true;

    public string ConfPath => System.IO.Path.Combine(Path, "ncs.conf");

    /// <summary>Where local-IPC tests put the Unix socket; its directory does not exist until the daemon makes it.</summary>
    public string SocketPath => System.IO.Path.Combine(Path, "ipc", "nso-ipc");

    public string SecretPath => System.IO.Path.Combine(Path, "ipc_access");

    public string NcsLogPath => LogPath("ncs.log");

    public string NcsLog => ReadLog("ncs.log");

    public string AuditLog => ReadLog("audit.log");

    /// <summary>The arguments the orchestrator gives a daemon.</summary>
    public string[] DaemonArgs
    {
        get
        {
            string[] verbose = Verbose ? ["-v"] : [];
            return ["--cd", Path, "-c", "ncs.conf", "--foreground", .. verbose, "--stop-on-eof"];
        }
    }

    /// <summary>What a control command needs to find this daemon over TCP.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => TcpEnvironment(IpcPort);

    /// <summary>What a control command needs to find this daemon on <see cref="SocketPath"/>; the TCP variables are set too, and lose.</summary>
    public IReadOnlyDictionary<string, string> LocalClientEnvironment => new Dictionary<string, string>(ClientEnvironment)
    {
        ["NCS_IPC_PATH"] = SocketPath,
    };

    /// <summary>ncs.conf turning local IPC on at <see cref="SocketPath"/>.</summary>
    public string LocalIpc => $"<ncs-local-ipc><enabled>true</enabled><path>{SocketPath}</path></ncs-local-ipc>";

    /// <summary>ncs.conf turning the access check on with <see cref="SecretPath"/>.</summary>
    public string AccessCheck => $"<ncs-ipc-access-check><enabled>true</enabled><filename>{SecretPath}</filename></ncs-ipc-access-check>";

    /// <summary>What a control command needs to find a daemon on TCP <paramref name="port"/> of 127.0.0.1.</summary>
    public static IReadOnlyDictionary<string, string> TcpEnvironment(int port) => new Dictionary<string, string>
    {
        ["NCS_IPC_ADDR"] = "127.0.0.1",
        ["NCS_IPC_PORT"] = port.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A minimal ncs.conf; NETCONF and the CLI are off when their port is null. Every variant has the same lines, <paramref name="extra"/> on line 12.</summary>
    public static string NcsConf(int ipc, int? netconf, int? cli, string extra = "")
    {
        var netconfSsh = netconf is { } n ? $"<transport><ssh><enabled>true</enabled><ip>127.0.0.1</ip><port>{n}</port></ssh></transport>" : "<enabled>false</enabled>";
        var cliSsh = cli is { } c ? $"<ssh><enabled>true</enabled><ip>127.0.0.1</ip><port>{c}</port></ssh>" : "<enabled>false</enabled>";
        return $"""
            <ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">
              <load-path><dir>./packages</dir></load-path>
              <state-dir>./state</state-dir>
              <cdb><db-dir>./ncs-cdb</db-dir></cdb>
              <ncs-ipc-address><ip>127.0.0.1</ip><port>{ipc}</port></ncs-ipc-address>
              <netconf-north-bound>
                {netconfSsh}
              </netconf-north-bound>
              <cli>
                {cliSsh}
              </cli>
            {extra}
            </ncs-config>
            """;
    }

    /// <summary>Rewrites ncs.conf with this directory's ports and <paramref name="extra"/> elements.</summary>
    public void WriteConf(string extra)
    {
        _extra = extra;
        _written = NcsConf(IpcPort, Northbound ? NetconfPort : null, Northbound ? CliPort : null, extra);
        File.WriteAllText(ConfPath, _written);
    }

    /// <summary>
    /// Another process took a port between <see cref="FreePorts"/> and the daemon's bind: new ports, and
    /// ncs.conf written again with them. False when ncs.conf is not the one <see cref="WriteConf"/> wrote.
    /// </summary>
    public bool TryTakeNewPorts()
    {
        if (_written is null || !File.Exists(ConfPath) || File.ReadAllText(ConfPath) != _written)
        {
            return false;
        }

        TakePorts();
        WriteConf(_extra);
        return true;
    }

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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A daemon killed late may still hold a file; the OS cleans temporary directories.
        }
    }

    private void TakePorts()
    {
        var ports = FreePorts.Take(4);
        (IpcPort, NetconfPort, CliPort, WebuiPort) = (ports[0], ports[1], ports[2], ports[3]);
    }
}
