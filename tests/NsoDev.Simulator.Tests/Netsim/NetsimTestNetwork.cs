using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Xml;
using Renci.SshNet;

namespace NsoDev.Simulator.Tests.Netsim;

/// <summary>
/// A netsim directory of its own in a temporary folder, with port bases on free ports: each of the
/// five bases is the first of <see cref="BlockSize"/> consecutive ports that were all free when asked,
/// passed to nso-sim through ncs-netsim's variables. Disposing stops every device (netsim stop, then a
/// kill of any device daemon still running from this folder) and removes the folder.
/// </summary>
internal sealed class NetsimTestNetwork : IAsyncDisposable
{
    public const int BlockSize = 8;
    public const string RouterNamespace = "http://example.com/router";
    private const string Base = "urn:ietf:params:xml:ns:netconf:base:1.0";

    public NetsimTestNetwork()
    {
        Root = Directory.CreateTempSubdirectory("nso-netsim-").FullName;
        var bases = ConsecutiveFreeBlocks(5, BlockSize);
        Bases = new Dictionary<string, int>
        {
            ["IPC_PORT"] = bases[0],
            ["NETCONF_SSH_PORT"] = bases[1],
            ["NETCONF_TCP_PORT"] = bases[2],
            ["SNMP_PORT"] = bases[3],
            ["CLI_SSH_PORT"] = bases[4],
        };
    }

    public static string Package { get; } = Path.Combine(RepositoryRoot.Path, "samples", "packages", "router-nc");

    public string Root { get; }

    public string Dir => Path.Combine(Root, "netsim");

    public IReadOnlyDictionary<string, int> Bases { get; }

    public int IpcBase => Bases["IPC_PORT"];

    public int NetconfBase => Bases["NETCONF_SSH_PORT"];

    public int CliBase => Bases["CLI_SSH_PORT"];

    public int SnmpBase => Bases["SNMP_PORT"];

    public IReadOnlyDictionary<string, string> Environment => Bases.ToDictionary(p => p.Key, p => p.Value.ToString(CultureInfo.InvariantCulture));

    /// <summary><c>nso-sim netsim ARGS --dir DIR</c> with the port variables set.</summary>
    public Task<CommandResult> RunAsync(string[] args, CancellationToken cancellationToken) => RunAsync(Environment, args, cancellationToken);

    public Task<CommandResult> RunAsync(IReadOnlyDictionary<string, string> environment, string[] args, CancellationToken cancellationToken) =>
        NsoSimProcess.RunAsync(["netsim", .. args, "--dir", Dir], environment, cancellationToken);

    /// <summary>Runs a command and fails the test with its output unless it exits 0.</summary>
    public async Task<CommandResult> MustAsync(string[] args, CancellationToken cancellationToken)
    {
        var result = await RunAsync(args, cancellationToken);
        Assert.True(result.ExitCode == 0, $"nso-sim netsim {string.Join(' ', args)} exited {result.ExitCode}\nstdout:\n{result.Stdout}stderr:\n{result.Stderr}");
        return result;
    }

    public async Task<IReadOnlyList<int>> DevicePidsAsync(CancellationToken cancellationToken)
    {
        var status = await MustAsync(["status"], cancellationToken);
        return [.. status.Stdout.Split('\n').Where(l => l.StartsWith("pid: ", StringComparison.Ordinal)).Select(l => int.Parse(l[5..], CultureInfo.InvariantCulture))];
    }

    public static NetConfClient Netconf(int port)
    {
        // SSH.NET sometimes reads a server hello that arrives while it is still opening its side cut short
        // (NetConfServerException, "not well formed XML"); a new connection reads it whole.
        for (var attempt = 1; ; attempt++)
        {
            var client = new NetConfClient("127.0.0.1", port, "admin", "admin") { AutomaticMessageIdHandling = false };
            try
            {
                client.Connect();
                return client;
            }
            catch (Renci.SshNet.Common.NetConfServerException) when (attempt < 3)
            {
                client.Dispose();
            }
        }
    }

    public static XmlDocument Rpc(string messageId, string body)
    {
        var document = new XmlDocument();
        document.LoadXml($"<rpc message-id=\"{messageId}\" xmlns=\"{Base}\">{body}</rpc>");
        return document;
    }

    public static string GetConfig(NetConfClient client, string messageId, string filter = "") =>
        client.SendReceiveRpc(Rpc(messageId, $"<get-config><source><running/></source>{filter}</get-config>")).OuterXml;

    public static string EditConfig(NetConfClient client, string messageId, string config) =>
        client.SendReceiveRpc(Rpc(messageId, $"<edit-config><target><running/></target><config>{config}</config></edit-config>")).OuterXml;

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Dir, ".netsiminfo")))
        {
            try
            {
                await NsoSimProcess.RunAsync(["netsim", "stop", "--dir", Dir], Environment, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // The kill below catches what the stop missed.
            }
        }

        await ProcessTable.KillAsync(ProcessTable.NsoSimWithArgumentContaining(Root));
        Directory.Delete(Root, recursive: true);
        lock (Claimed)
        {
            Claimed.ExceptWith(Bases.Values);
        }
    }

    /// <summary>
    /// Below the kernel's ephemeral ports (32768 up), where any outgoing connection of a test running beside
    /// this one could take a port between the probe and the device's bind; and above NsoDev's own planned
    /// ranges (15000-29999), which the end-to-end tests use meanwhile.
    /// </summary>
    private const int RangeStart = 30000;

    private const int RangeEnd = 32767;

    /// <summary>Blocks handed out in this process, so two networks of tests running in parallel never share one.</summary>
    private static readonly HashSet<int> Claimed = [];

    // Blocks that do not overlap one another, each made of ports that were all free at once.
    private static int[] ConsecutiveFreeBlocks(int blocks, int size)
    {
        var found = new List<int>();
        for (var attempt = 0; found.Count < blocks && attempt < 200; attempt++)
        {
            var first = RangeStart + (Random.Shared.Next((RangeEnd - RangeStart + 1) / size) * size);
            lock (Claimed)
            {
                if (first + size - 1 > RangeEnd || Claimed.Contains(first) || found.Contains(first))
                {
                    continue;
                }

                Claimed.Add(first);
            }

            var listeners = new List<TcpListener>();
            try
            {
                for (var port = first; port < first + size; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listeners.Add(listener);
                    listener.Start();
                }

                found.Add(first);
            }
            catch (SocketException)
            {
                // One of them is taken; try another start.
                lock (Claimed)
                {
                    Claimed.Remove(first);
                }
            }
            finally
            {
                listeners.ForEach(l => l.Dispose());
            }
        }

        return found.Count == blocks ? [.. found] : throw new InvalidOperationException($"found only {found.Count} free blocks of {size} ports");
    }
}
