using System.Xml;
using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;

namespace NsoDev.EndToEnd.Tests;

/// <summary>
/// The default AppHost with two netsim devices on the simulator: each device resource's log shows what
/// its own daemon writes to its log files (NSO-NOTES §10), and a restart of the device shows no old lines again.
/// </summary>
public sealed class DeviceLogTests : IDisposable
{
    private const string MessageId = "device-log-test";

    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-devlog-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 240_000)]
    public async Task Each_device_resource_shows_its_own_daemons_log_lines_and_a_restart_does_not_repeat_them()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // The default AppHost's own devices, two of them: nso-1-ex0 and nso-1-ex1.
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=1", "--Nso:Clients=false", "--Nso:Devices=2");
        await using var app = await builder.StartHealthyAsync(cancellationToken, "nso-1");

        var started = await LinesUntilAsync(app, "nso-1-ex0", "device ex0 started", 1, cancellationToken);
        Assert.Contains(started, l => l.Contains("confd.log: <INFO> ", StringComparison.Ordinal) && l.Contains("listening on netconf-ssh 127.0.0.1:", StringComparison.Ordinal));

        // A NETCONF session of this test on ex1 is in ex1's log, as its daemon's netconf.log writes it, and
        // not in ex0's (NsoDev's own onboarding sessions reach both, so the RPC is told by its message-id).
        var ex1 = await app.ResourceNotifications.WaitForResourceAsync("nso-1-ex1", e => e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
        var ex1Port = new Uri(ex1.Snapshot.Urls.Single(u => u.Name == "netconf").Url).Port;
        await Task.Run(() => GetConfig(ex1Port), cancellationToken);
        var ex1Lines = await LinesUntilAsync(app, "nso-1-ex1", $"got rpc: get-config message-id=\"{MessageId}\"", 1, cancellationToken);
        Assert.Contains(ex1Lines, l => l.Contains("netconf.log: <INFO> ", StringComparison.Ordinal) && l.Contains(MessageId, StringComparison.Ordinal));
        Assert.Contains(ex1Lines, l => l.Contains("audit.log: <INFO> ", StringComparison.Ordinal) && l.Contains("login ok: user admin", StringComparison.Ordinal));

        // Stopped and started from its dashboard commands: the stop is the last line of the first run, and
        // the second run's lines follow without the first run's again.
        var stop = await app.ResourceCommands.ExecuteCommandAsync("nso-1-ex0", "netsim-stop", cancellationToken);
        Assert.True(stop.Success, stop.Message);
        await LinesUntilAsync(app, "nso-1-ex0", "device ex0 stopping", 1, cancellationToken);
        var start = await app.ResourceCommands.ExecuteCommandAsync("nso-1-ex0", "netsim-start", cancellationToken);
        Assert.True(start.Success, start.Message);
        var ex0Lines = await LinesUntilAsync(app, "nso-1-ex0", "device ex0 started", 2, cancellationToken);

        Assert.Single(ex0Lines, l => l.Contains("device ex0 stopping", StringComparison.Ordinal));
        Assert.Equal(2, ex0Lines.Count(l => l.Contains("listening on netconf-ssh", StringComparison.Ordinal)));
        Assert.DoesNotContain(ex0Lines, l => l.Contains(MessageId, StringComparison.Ordinal));
    }

    private static void GetConfig(int port)
    {
        using var client = new NetConfClient("127.0.0.1", port, "admin", "admin") { AutomaticMessageIdHandling = false };
        client.Connect();
        var rpc = new XmlDocument();
        rpc.LoadXml($"""<rpc message-id="{MessageId}" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get-config><source><running/></source></get-config></rpc>""");
        client.SendReceiveRpc(rpc);
    }

    /// <summary>The resource's log lines, backlog first, up to the <paramref name="occurrence"/>th with <paramref name="text"/>.</summary>
    private static async Task<List<string>> LinesUntilAsync(DistributedApplication app, string resource, string text, int occurrence, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var seen = new List<string>();
        var found = 0;
        try
        {
            await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(timeout.Token))
            {
                foreach (var line in batch)
                {
                    seen.Add(line.Content);
                    if (line.Content.Contains(text, StringComparison.Ordinal) && ++found == occurrence)
                    {
                        return seen;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"Waited 60 s for '{text}' (#{occurrence}) in the log of {resource}; saw:\n{string.Join('\n', seen)}");
    }
}
