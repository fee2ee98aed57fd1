using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using CliWrap;
using CliWrap.Buffered;

namespace NsoDev.Interop.Tests;

/// <summary>
/// One nso-sim daemon on free loopback ports, in a temporary runtime directory whose ncs.conf is
/// the default instance template with only the per-instance leaves changed.
/// </summary>
public sealed class SimulatedInstance : IAsyncLifetime
{
    private static readonly XNamespace Ns = "http://tail-f.com/yang/tailf-ncs-config";
    private readonly string _directory = Directory.CreateTempSubdirectory("nsodev-interop-").FullName;
    private Process? _daemon;

    public static string Simulator => Path.Combine(AppContext.BaseDirectory, "nso-sim");

    public int IpcPort { get; } = FreePort();

    public int NetconfPort { get; } = FreePort();

    public int CliPort { get; } = FreePort();

    public string RunDirectory => _directory;

    public Dictionary<string, string?> IpcEnvironment => new() { ["NCS_IPC_ADDR"] = "127.0.0.1", ["NCS_IPC_PORT"] = IpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture), ["NCS_IPC_PATH"] = null, ["NCS_IPC_ACCESS_FILE"] = null };

    public async Task InitializeAsync()
    {
        // The template of nso-sim's default release (6.5); like NSO's stock file it has no
        // ncs-ipc-address, which defaults to 127.0.0.1:4569, so this instance adds its own.
        var conf = XDocument.Load(Path.Combine(AppContext.BaseDirectory, "instance-templates", "default", "6.5", "ncs.conf"));
        conf.Root!.AddFirst(new XElement(Ns + "ncs-ipc-address", new XElement(Ns + "ip"), new XElement(Ns + "port")));
        Set(conf, IpcPort, "ncs-ipc-address");
        Set(conf, NetconfPort, "netconf-north-bound", "transport", "ssh");
        Set(conf, CliPort, "cli", "ssh");
        conf.Root!.Element(Ns + "webui")!.Element(Ns + "enabled")!.Value = "false";
        conf.Root!.Element(Ns + "aaa")!.Element(Ns + "ssh-server-key-dir")!.Value = "./ssh";
        foreach (var dir in new[] { "logs", "state", "ncs-cdb", "ssh", "packages" })
        {
            Directory.CreateDirectory(Path.Combine(_directory, dir));
        }

        conf.Save(Path.Combine(_directory, "ncs.conf"));
        var start = new ProcessStartInfo(Simulator) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["NCS_DIR"] = AppContext.BaseDirectory; // the stock file's ${NCS_DIR} must be defined, as NsoDev defines it
        foreach (var argument in new[] { "--cd", _directory, "-c", "ncs.conf", "--foreground", "--stop-on-eof" })
        {
            start.ArgumentList.Add(argument);
        }

        _daemon = Process.Start(start)!;
        _daemon.OutputDataReceived += (_, _) => { };
        _daemon.ErrorDataReceived += (_, _) => { };
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();
        var wait = await Cli.Wrap(Simulator).WithArguments(["--wait-started", "20"]).WithEnvironmentVariables(IpcEnvironment).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(wait.ExitCode == 0, $"nso-sim did not start: {wait.StandardError}");
    }

    public async Task DisposeAsync()
    {
        if (_daemon is { HasExited: false })
        {
            _daemon.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _daemon.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _daemon.Kill();
            }
        }

        _daemon?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static void Set(XDocument conf, int port, params string[] path)
    {
        var element = conf.Root!;
        foreach (var step in path)
        {
            element = element.Element(Ns + step)!;
        }

        element.Element(Ns + "port")!.Value = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (element.Element(Ns + "ip") is { } ip)
        {
            ip.Value = "127.0.0.1";
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
