using System.Globalization;
using System.Xml.Linq;
using NsoDev.Simulator.Tests.Configuration;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>
/// The default instance template, with only its per-instance leaves changed as the orchestrator
/// changes them, runs under nso-sim. The stock file has no ncs-ipc-address (its default is
/// 127.0.0.1:4569), so the orchestrator adds one, and so does this test.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class InstanceTemplateProcessTests : IDisposable
{
    private static readonly XNamespace Ns = "http://tail-f.com/yang/tailf-ncs-config";

    private readonly SimRunDirectory _run = new();

    public void Dispose() => _run.Dispose();

    [Fact(Timeout = 90_000)]
    public async Task The_default_template_with_free_ports_starts_serves_status_and_stops()
    {
        var conf = XDocument.Load(InstanceTemplateTests.DefaultTemplate);
        Listen(conf.Root!, ["ncs-ipc-address"], _run.IpcPort);
        Listen(conf.Root!, ["netconf-north-bound", "transport", "ssh"], _run.NetconfPort);
        Listen(conf.Root!, ["cli", "ssh"], _run.CliPort);
        Listen(conf.Root!, ["webui", "transport", "tcp"], _run.WebuiPort);
        conf.Save(_run.ConfPath);

        await using var daemon = await SimDaemon.StartAsync(_run, new SimDaemonOptions { Environment = new Dictionary<string, string> { ["NCS_DIR"] = AppContext.BaseDirectory } }, TestContext.Current.CancellationToken);

        var status = await NsoSimProcess.RunAsync(["--status"], _run.ClientEnvironment, TestContext.Current.CancellationToken);
        Assert.Contains($"  webui: 127.0.0.1:{_run.WebuiPort}\n", status.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, (await NsoSimProcess.RunAsync(["--stop"], _run.ClientEnvironment, TestContext.Current.CancellationToken)).ExitCode);
        Assert.Equal(0, await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Contains("- Stopping (clean shutdown: --stop)", File.ReadAllText(_run.NcsLogPath), StringComparison.Ordinal);
    }

    private static void Listen(XElement root, string[] path, int port)
    {
        var element = path.Aggregate(root, (parent, name) => parent.Element(Ns + name) ?? Added(parent, new XElement(Ns + name)));
        element.SetElementValue(Ns + "ip", "127.0.0.1");
        element.SetElementValue(Ns + "port", port.ToString(CultureInfo.InvariantCulture));
    }

    private static XElement Added(XElement parent, XElement child)
    {
        parent.Add(child);
        return child;
    }
}
