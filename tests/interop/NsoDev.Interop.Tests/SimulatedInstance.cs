using System.Globalization;
using System.Xml.Linq;

namespace NsoDev.Interop.Tests;

/// <summary>
/// One nso-sim daemon on free loopback ports, in a temporary runtime directory whose ncs.conf is
/// the default instance template with only the per-instance leaves changed.
/// </summary>
public sealed class SimulatedInstance : IAsyncLifetime
{
    private static readonly XNamespace Ns = "http://tail-f.com/yang/tailf-ncs-config";
    private readonly SimRunDirectory _run = new();
    private SimDaemon? _daemon;

    public int NetconfPort => _run.NetconfPort;

    public int CliPort => _run.CliPort;

    public async ValueTask InitializeAsync()
    {
        // The template of nso-sim's default release (6.5); like NSO's stock file it has no
        // ncs-ipc-address, which defaults to 127.0.0.1:4569, so this instance adds its own.
        var conf = XDocument.Load(Path.Combine(AppContext.BaseDirectory, "instance-templates", "default", "6.5", "ncs.conf"));
        conf.Root!.AddFirst(new XElement(Ns + "ncs-ipc-address", new XElement(Ns + "ip"), new XElement(Ns + "port")));
        Set(conf, _run.IpcPort, "ncs-ipc-address");
        Set(conf, _run.NetconfPort, "netconf-north-bound", "transport", "ssh");
        Set(conf, _run.CliPort, "cli", "ssh");
        conf.Root!.Element(Ns + "webui")!.Element(Ns + "enabled")!.Value = "false";
        conf.Root!.Element(Ns + "aaa")!.Element(Ns + "ssh-server-key-dir")!.Value = "./ssh";
        foreach (var dir in new[] { "logs", "state", "ncs-cdb", "ssh", "packages" })
        {
            Directory.CreateDirectory(Path.Combine(_run.Path, dir));
        }

        conf.Save(_run.ConfPath);

        // The stock file's ${NCS_DIR} must be defined, as NsoDev defines it.
        _daemon = await SimDaemon.StartAsync(_run, new SimDaemonOptions { Environment = new Dictionary<string, string> { ["NCS_DIR"] = AppContext.BaseDirectory } }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        _run.Dispose();
    }

    private static void Set(XDocument conf, int port, params string[] path)
    {
        var element = conf.Root!;
        foreach (var step in path)
        {
            element = element.Element(Ns + step)!;
        }

        element.Element(Ns + "port")!.Value = port.ToString(CultureInfo.InvariantCulture);
        if (element.Element(Ns + "ip") is { } ip)
        {
            ip.Value = "127.0.0.1";
        }
    }
}
