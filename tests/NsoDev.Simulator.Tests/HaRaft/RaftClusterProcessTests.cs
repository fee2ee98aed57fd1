using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using System.Xml.Linq;
using NsoDev.Hosting.Raft;
using NsoDev.Ipc;
using NsoDev.Simulator.Tests.Processes;
using Renci.SshNet;

namespace NsoDev.Simulator.Tests.HaRaft;

/// <summary>
/// Three real nso-sim daemons per release band, formed into a cluster with <c>nso-sim ncs_cli</c> as NsoDev and
/// Cisco's example form one, and watched through NETCONF: roles, replication, a follower's refusal, handover,
/// failover and the leader-only ha-primary-listen endpoint. Ports are free ones; 6.5 gets its own epmd.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class RaftClusterProcessTests : IAsyncLifetime
{
    private const string Base = "urn:ietf:params:xml:ns:netconf:base:1.0";
    private static readonly XNamespace Raft = "http://tail-f.com/ns/ncs/high-availability/raft";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    /// <summary>What Cisco's example and NsoDev run: interactive echo, stop on error, C style, user and group admin.</summary>
    private static readonly string[] NcsCliArgs = ["ncs_cli", "-nsCu", "admin", "-g", "admin"];
    private static readonly int[] Followers = [1, 2];

    private readonly List<SimRunDirectory> _runs = [];
    private readonly List<SimDaemon?> _daemons = [];
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private NsoSimProcess? _epmd;
    private int _primaryPort;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in _daemons.OfType<SimDaemon>())
        {
            await daemon.DisposeAsync();
        }

        if (_epmd is not null)
        {
            await _epmd.DisposeAsync();
        }

        _runs.ForEach(r => r.Dispose());
    }

    [Theory(Timeout = 240000)]
    [InlineData("6.5")]
    [InlineData("6.7")]
    public async Task A_cluster_forms_replicates_refuses_follower_writes_hands_over_and_fails_over(string release)
    {
        await StartNodesAsync(release);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal("stalled", Status(i).Role));

        var create = await NcsCliAsync(0, $"ha-raft create-cluster member [ {Member(1)} {Member(2)} ]\n");
        Assert.True(create.ExitCode == 0, create.Output);

        await UntilAsync(() => Enumerable.Range(0, 3).Select(Status).All(s => s.Leader == Member(0)), TestContext.Current.CancellationToken);
        Assert.Equal(["leader", "follower", "follower"], Enumerable.Range(0, 3).Select(i => Status(i).Role));
        Assert.Equal([Member(0), Member(1), Member(2)], Status(1).Members);
        Assert.Equal(Member(0), StatusOverPrimaryListen().LocalNode);
        Assert.Contains($"127.0.0.1:{_primaryPort} for netconf-ssh", _runs[0].NcsLog, StringComparison.Ordinal);
        Assert.DoesNotContain($"127.0.0.1:{_primaryPort}", _runs[1].NcsLog, StringComparison.Ordinal);
        Assert.Contains("role stalled -> leader", _runs[0].ReadLog("raft.log"), StringComparison.Ordinal);

        var show = await NcsCliAsync(1, "show ha-raft status role\nshow ha-raft status leader\n");
        Assert.Equal(
            $"admin@ncs# show ha-raft status role\nha-raft status role follower\nadmin@ncs# show ha-raft status leader\nha-raft status leader {Member(0)}\n",
            show.Stdout);

        Rpc(0, """<edit-config><target><running/></target><config><devices xmlns="http://tail-f.com/ns/ncs"><device><name>replicated</name><address>127.0.0.1</address></device></devices></config></edit-config>""");
        await UntilAsync(() => Followers.All(i => Rpc(i, "<get-config><source><running/></source></get-config>").ToString().Contains("<name>replicated</name>", StringComparison.Ordinal)), TestContext.Current.CancellationToken);

        var refused = Rpc(1, """<edit-config><target><running/></target><config><devices xmlns="http://tail-f.com/ns/ncs"><device><name>on-follower</name></device></devices></config></edit-config>""");
        Assert.Contains("node is in readonly mode", refused.ToString(), StringComparison.Ordinal);
        Assert.Contains($"write on the leader {Member(0)}", refused.ToString(), StringComparison.Ordinal);
        Assert.Contains("refused a write", _runs[1].ReadLog("raft.log"), StringComparison.Ordinal);

        var handover = await NcsCliAsync(0, "ha-raft handover\n");
        Assert.True(handover.ExitCode == 0, handover.Output);
        await UntilAsync(() => Status(0).Role == "follower" && Status(0).Leader is { } l && l != Member(0) && Enumerable.Range(0, 3).All(i => Status(i).Leader == l), TestContext.Current.CancellationToken);
        var second = Enumerable.Range(0, 3).Single(i => Status(i).Role == "leader");
        await UntilAsync(() => StatusOverPrimaryListen().LocalNode == Member(second), TestContext.Current.CancellationToken);

        await _daemons[second]!.StopAsync(Token);
        await _daemons[second]!.DisposeAsync();
        _daemons[second] = null;
        var rest = Enumerable.Range(0, 3).Where(i => i != second).ToList();
        await UntilAsync(() => rest.Count(i => Status(i).Role == "leader") == 1 && rest.All(i => Status(i).Leader is { } l && l != Member(second)), TestContext.Current.CancellationToken);
        var third = rest.Single(i => Status(i).Role == "leader");
        await UntilAsync(() => StatusOverPrimaryListen().LocalNode == Member(third), TestContext.Current.CancellationToken);
    }

    private string Member(int index) =>
        MemberNamesFor(index) + (_withPort ? ":" + _raftPorts[index].ToString(CultureInfo.InvariantCulture) : string.Empty);

    private static string MemberNamesFor(int index) => $"ncsd{index + 1}@127.0.0.1";

    private bool _withPort;
    private int[] _raftPorts = [];

    private async Task StartNodesAsync(string release)
    {
        var version = NsoRelease.Parse(release);
        _withPort = version >= new NsoRelease(6, 7);
        var ports = FreePorts.Take(5);
        _raftPorts = ports[..3];
        _primaryPort = ports[3];
        if (!_withPort)
        {
            // Never the stock 4369: a ≤6.6 cluster gets an epmd of its own.
            var epmdPort = ports[4].ToString(CultureInfo.InvariantCulture);
            _environment["ERL_EPMD_PORT"] = epmdPort;
            _epmd = NsoSimProcess.Start(["epmd", "-port", epmdPort]);
            await UntilAsync(() => CanConnect(ports[4]), TestContext.Current.CancellationToken);
        }

        var authority = RaftCertificates.CreateAuthority("raft", DateTimeOffset.UtcNow);
        for (var i = 0; i < 3; i++)
        {
            var run = new SimRunDirectory();
            _runs.Add(run);
            var tls = Directory.CreateDirectory(Path.Combine(run.Path, "ha-tls")).FullName;
            var node = RaftCertificates.IssueNode(authority, MemberNamesFor(i), version, DateTimeOffset.UtcNow);
            File.WriteAllText(Path.Combine(tls, "ca.crt"), authority.ExportCertificatePem());
            File.WriteAllText(Path.Combine(tls, "node.crt"), node.ExportCertificatePem());
            File.WriteAllText(Path.Combine(tls, "node.key"), node.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(run.ConfPath, Conf(run, i));
        }

        for (var i = 0; i < 3; i++)
        {
            _daemons.Add(await SimDaemon.StartAsync(_runs[i], new SimDaemonOptions { Version = release, Environment = _environment }, Token));
        }
    }

    /// <summary>ncs.conf as NcsConfWriter and RaftConfWriter write a node's (the element check applies to both).</summary>
    private string Conf(SimRunDirectory run, int index)
    {
        // 6.7 turns local IPC on by default, at a path every node would share; these nodes use TCP IPC.
        var listen = _withPort
            ? $"<port>{_raftPorts[index]}</port>"
            : $"<min-port>{_raftPorts[index]}</min-port><max-port>{_raftPorts[index]}</max-port>";
        var seed = (index + 1) % 3;
        var seeds = _withPort
            ? $"<seed-node><address>{MemberNamesFor(seed)}</address><port>{_raftPorts[seed]}</port></seed-node>"
            : $"<seed-node>{MemberNamesFor(seed)}</seed-node>";
        return $"""
            <ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">
              <load-path><dir>./packages</dir></load-path>
              <state-dir>./state</state-dir>
              <cdb><db-dir>./ncs-cdb</db-dir></cdb>
              <ncs-ipc-address><ip>127.0.0.1</ip><port>{run.IpcPort}</port></ncs-ipc-address>
              {(_withPort ? "<ncs-local-ipc><enabled>false</enabled></ncs-local-ipc>" : string.Empty)}
              <logs><raft-log><enabled>true</enabled><file><name>./logs/raft.log</name><enabled>true</enabled></file></raft-log></logs>
              <netconf-north-bound><transport><ssh><enabled>true</enabled><ip>127.0.0.1</ip><port>{run.NetconfPort}</port>
                <ha-primary-listen><ip>127.0.0.1</ip><port>{_primaryPort}</port></ha-primary-listen></ssh></transport></netconf-north-bound>
              <cli><ssh><enabled>true</enabled><ip>127.0.0.1</ip><port>{run.CliPort}</port></ssh></cli>
              <ha-raft>
                <enabled>true</enabled>
                <cluster-name>raft</cluster-name>
                <listen><node-address>{MemberNamesFor(index)}</node-address>{listen}</listen>
                <seed-nodes>{seeds}</seed-nodes>
                <ssl><enabled>true</enabled><key-file>ha-tls/node.key</key-file><cert-file>ha-tls/node.crt</cert-file><ca-cert-file>ha-tls/ca.crt</ca-cert-file></ssl>
                <tick-timeout>PT0.5S</tick-timeout>
              </ha-raft>
            </ncs-config>
            """;
    }

    private async Task<(int ExitCode, string Stdout, string Output)> NcsCliAsync(int node, string input)
    {
        var start = new ProcessStartInfo(NsoSimProcess.Apphost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in NcsCliArgs)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NCS_IPC_ADDR"] = "127.0.0.1";
        start.Environment["NCS_IPC_PORT"] = _runs[node].IpcPort.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(Token);
        var stderr = process.StandardError.ReadToEndAsync(Token);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(NsoSimProcess.CommandLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, $"exit {process.ExitCode}\nstdout:\n{await stdout}stderr:\n{await stderr}");
    }

    private (string? Role, string? Leader, string? LocalNode, List<string> Members) Status(int node) => StatusAt(_runs[node].NetconfPort);

    private (string? Role, string? Leader, string? LocalNode, List<string> Members) StatusOverPrimaryListen() => StatusAt(_primaryPort);

    private static (string? Role, string? Leader, string? LocalNode, List<string> Members) StatusAt(int port)
    {
        var reply = RpcAt(port, $"""<get><filter type="subtree"><ha-raft xmlns="{Raft.NamespaceName}"><status/></ha-raft></filter></get>""");
        var status = reply.Descendants(Raft + "status").Single();
        return (
            status.Element(Raft + "role")?.Value,
            status.Element(Raft + "leader")?.Value,
            status.Element(Raft + "local-node")?.Value,
            [.. status.Elements(Raft + "member").Select(m => m.Value)]);
    }

    private XElement Rpc(int node, string body) => RpcAt(_runs[node].NetconfPort, body);

    private static XElement RpcAt(int port, string body)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var client = new NetConfClient("127.0.0.1", port, "admin", "admin") { AutomaticMessageIdHandling = false };
            try
            {
                client.Connect();
                var request = new XmlDocument();
                request.LoadXml($"<rpc message-id=\"1\" xmlns=\"{Base}\">{body}</rpc>");
                return XElement.Parse(client.SendReceiveRpc(request).OuterXml);
            }
            catch (Renci.SshNet.Common.NetConfServerException) when (attempt < 3)
            {
                // SSH.NET's hello race (NSO-NOTES §12): a new connection reads it whole.
            }
        }
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var socket = new TcpClient();
            socket.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="done"/> (a connection refused or reset counts as not yet) until <see cref="Settle"/> has passed.</summary>
    private static async Task UntilAsync(Func<bool> done, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < Settle)
        {
            try
            {
                if (done())
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or Renci.SshNet.Common.SshException or InvalidOperationException)
            {
                last = e;
            }

            await Task.Delay(200, cancellationToken);
        }

        Assert.Fail($"not reached within {Settle}{(last is null ? string.Empty : ": " + last.Message)}");
    }
}
