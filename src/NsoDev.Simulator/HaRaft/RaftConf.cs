using System.Globalization;
using System.Xml;
using NsoDev.Ipc;
using NsoDev.Ipc.Raft;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.HaRaft;

/// <summary>
/// What nso-sim acts on in an enabled <c>/ncs-config/ha-raft</c> (NSO-NOTES §17). For 6.7:
/// <code>
/// &lt;ha-raft&gt;&lt;enabled&gt;true&lt;/enabled&gt;&lt;cluster-name&gt;raft&lt;/cluster-name&gt;
///   &lt;listen&gt;&lt;node-address&gt;ncsd1@127.0.0.1&lt;/node-address&gt;&lt;port&gt;4571&lt;/port&gt;&lt;/listen&gt;
///   &lt;seed-nodes&gt;&lt;seed-node&gt;&lt;address&gt;ncsd2@127.0.0.1&lt;/address&gt;&lt;port&gt;4572&lt;/port&gt;&lt;/seed-node&gt;&lt;/seed-nodes&gt;
///   &lt;ssl&gt;&lt;key-file&gt;ha-tls/node.key&lt;/key-file&gt;&lt;cert-file&gt;ha-tls/node.crt&lt;/cert-file&gt;&lt;ca-cert-file&gt;ha-tls/ca.crt&lt;/ca-cert-file&gt;&lt;/ssl&gt;
/// &lt;/ha-raft&gt;
/// </code>
/// </summary>
/// <param name="ClusterName"><c>cluster-name</c>.</param>
/// <param name="NodeAddress"><c>listen/node-address</c>, e.g. <c>ncsd1@127.0.0.1</c>.</param>
/// <param name="ListenPort">6.7: <c>listen/port</c> (default 4570); null up to 6.6.</param>
/// <param name="DistributionPorts">Up to 6.6: <c>listen/min-port</c> and <c>max-port</c>.</param>
/// <param name="Seeds">Member names of <c>seed-nodes/seed-node</c>, in the release's form.</param>
/// <param name="KeyFile"><c>ssl/key-file</c>, absolute.</param>
/// <param name="CertFile"><c>ssl/cert-file</c>, absolute.</param>
/// <param name="CaCertFile"><c>ssl/ca-cert-file</c>, absolute.</param>
/// <param name="TickTimeout"><c>tick-timeout</c>, default PT1S: the leader's heartbeat interval.</param>
/// <param name="Passive"><c>passive</c>: the node votes but never stands for leader.</param>
/// <param name="Log"><c>/ncs-config/logs/raft-log</c>.</param>
internal sealed record RaftConf(
    string ClusterName,
    string NodeAddress,
    int? ListenPort,
    (int Min, int Max) DistributionPorts,
    IReadOnlyList<string> Seeds,
    string KeyFile,
    string CertFile,
    string CaCertFile,
    TimeSpan TickTimeout,
    bool Passive,
    NcsLogConf Log)
{
    /// <summary>NSO's default 6.7 HA port.</summary>
    public const int DefaultListenPort = 4570;

    /// <summary>The member name others use for this node: <c>ncsd1@127.0.0.1</c>, or from 6.7 <c>ncsd1@127.0.0.1:4571</c>.</summary>
    public string MemberName => MemberNames.Of(NodeAddress, ListenPort);
}

/// <summary>Member names per release: <c>ID@ADDRESS</c> up to 6.6, <c>ID@ADDRESS:PORT</c> from 6.7 (NSO-TOPOLOGIES §1.1).</summary>
internal static class MemberNames
{
    /// <summary>The first release whose HA Raft has a port of its own per node.</summary>
    public static readonly NsoRelease FirstWithOwnPort = new(6, 7);

    public static bool HasPort(NsoRelease release) => release >= FirstWithOwnPort;

    public static string Of(string nodeAddress, int? port) =>
        port is { } p ? $"{WithNodeId(nodeAddress)}:{p.ToString(CultureInfo.InvariantCulture)}" : WithNodeId(nodeAddress);

    /// <summary>NSO prepends <c>ncsd@</c> to an address without a node id (NSO-NOTES §14).</summary>
    public static string WithNodeId(string nodeAddress) => RaftNodeAddress.Parse(nodeAddress).ToString() is var text && text.Contains('@', StringComparison.Ordinal)
        ? text
        : RaftNodeAddress.DefaultNodeId + "@" + text;

    /// <summary>Null when <paramref name="member"/> is a member name for <paramref name="release"/>; otherwise the problem and the form to use.</summary>
    public static string? Problem(string member, NsoRelease release)
    {
        try
        {
            RaftTlsHost.FromNodeAddress(member);
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }

        var host = RaftNodeAddress.Parse(member).Host;
        var hasPort = HasPortSuffix(host);
        if (HasPort(release) && !hasPort)
        {
            return $"'{member}' has no port; NSO {release} names a member ID@ADDRESS:PORT, the port being that node's ha-raft/listen/port, e.g. ncsd2@127.0.0.1:4572.";
        }

        if (!HasPort(release) && hasPort)
        {
            return $"'{member}' has a port; NSO {release} names a member ID@ADDRESS (epmd finds its port), e.g. ncsd2@127.0.0.1.";
        }

        return null;
    }

    private static bool HasPortSuffix(string host)
    {
        if (host.StartsWith('['))
        {
            return host.Contains("]:", StringComparison.Ordinal);
        }

        var colon = host.LastIndexOf(':');
        return colon > 0
            && host.IndexOf(':', StringComparison.Ordinal) == colon
            && int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}

/// <summary>
/// Reads and checks <c>/ncs-config/ha-raft</c> and the <c>ha-primary-listen</c> endpoints as NSO does: with
/// <c>ssl/enabled</c> true (the default) the key, certificate and CA files are mandatory (the 6.2.5 YANG's
/// <c>must</c>), <c>listen/node-address</c> is mandatory, and node and seed addresses take the release's form,
/// with no wildcard and no short name. Errors name the element, the line and the fix; the daemon exits 21.
/// </summary>
internal static class RaftConfReader
{
    private const string Section = "ha-raft";

    private static readonly (string Name, string Service, string EnabledPath, bool EnabledByDefault)[] PrimaryListenParents =
    [
        ("netconf-ssh", "netconf-north-bound/transport/ssh", "netconf-north-bound/enabled", true),
        ("netconf-tcp", "netconf-north-bound/transport/tcp", "netconf-north-bound/enabled", true),
        ("cli-ssh", "cli/ssh", "cli/enabled", true),
        ("webui", "webui/transport/tcp", "webui/enabled", false),
    ];

    /// <summary>The enabled section, or null when ha-raft is absent or off.</summary>
    /// <exception cref="NcsConfException">A mandatory leaf is missing or an address has a form NSO refuses.</exception>
    public static RaftConf? Read(NcsConfLeaves leaves, NsoVersion version)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentNullException.ThrowIfNull(version);
        if (!leaves.Exists(Section) || !leaves.Bool(Section + "/enabled", false))
        {
            return null;
        }

        var nodeAddress = leaves.Value(Section + "/listen/node-address") is { Length: > 0 } address
            ? address
            : throw leaves.Error(Section, "listen/node-address is missing; NSO requires it when ha-raft is enabled; give this node's address, e.g. <listen><node-address>ncsd1@127.0.0.1</node-address></listen>");
        CheckAddress(leaves, Section + "/listen/node-address", nodeAddress);

        var ownPort = MemberNames.HasPort(version.Release);
        int? listenPort = ownPort ? leaves.Port(Section + "/listen/port", RaftConf.DefaultListenPort) : null;
        var distribution = (leaves.Port(Section + "/listen/min-port", 4370), leaves.Port(Section + "/listen/max-port", 4399));
        if (distribution.Item1 > distribution.Item2)
        {
            throw leaves.Error(Section + "/listen/min-port", $"min-port {distribution.Item1} is above max-port {distribution.Item2}; give a range, e.g. 4370 to 4399");
        }

        return new RaftConf(
            leaves.Value(Section + "/cluster-name") ?? string.Empty,
            nodeAddress,
            listenPort,
            distribution,
            Seeds(leaves, ownPort),
            SslFile(leaves, "key-file"),
            SslFile(leaves, "cert-file"),
            SslFile(leaves, "ca-cert-file"),
            TickTimeout(leaves),
            leaves.Bool(Section + "/passive", false),
            new NcsLogConf(
                leaves.Bool("logs/raft-log/enabled", true),
                leaves.Bool("logs/raft-log/file/enabled", true),
                leaves.Path("logs/raft-log/file/name", "./logs/raft.log"),
                "logs/raft-log"));
    }

    /// <summary>
    /// Every <c>ha-primary-listen</c> entry, named after its service (<c>netconf-ssh</c>, <c>cli-ssh</c>, ...) so it
    /// serves the same protocol; an entry of a service that is off stays unbound.
    /// </summary>
    public static IReadOnlyList<ListenerConf> PrimaryListen(NcsConfLeaves leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var listeners = new List<ListenerConf>();
        foreach (var (name, service, enabledPath, enabledByDefault) in PrimaryListenParents)
        {
            var path = service + "/ha-primary-listen";
            var serviceOn = leaves.Bool(enabledPath, true) && leaves.Bool(service + "/enabled", enabledByDefault);
            foreach (var entry in leaves.Elements(path))
            {
                var ipText = leaves.ChildText(entry, "ip", path) ?? throw leaves.ErrorAtElement(entry, "/ncs-config/" + path, "ip is missing; give the leader's address, e.g. <ip>127.0.0.1</ip>");
                var portText = leaves.ChildText(entry, "port", path) ?? throw leaves.ErrorAtElement(entry, "/ncs-config/" + path, "port is missing; give the leader's port, e.g. <port>2024</port>");
                if (!NcsConfValues.TryIpAddress(ipText, out var ip))
                {
                    throw leaves.ErrorAtElement(entry, "/ncs-config/" + path + "/ip", NcsConfValues.Problem(NcsConfType.IpAddress, ipText)!);
                }

                if (!NcsConfValues.TryPort(portText, out var port))
                {
                    throw leaves.ErrorAtElement(entry, "/ncs-config/" + path + "/port", NcsConfValues.Problem(NcsConfType.Port, portText)!);
                }

                listeners.Add(new ListenerConf(name, path, serviceOn, ip, port));
            }
        }

        return listeners;
    }

    private static List<string> Seeds(NcsConfLeaves leaves, bool ownPort)
    {
        const string path = Section + "/seed-nodes/seed-node";
        var seeds = new List<string>();
        foreach (var entry in leaves.Elements(path))
        {
            if (ownPort)
            {
                // 6.7: a list of {address, port}.
                var address = leaves.ChildText(entry, "address", path)
                    ?? throw leaves.ErrorAtElement(entry, "/ncs-config/" + path, "address is missing; NSO 6.7 writes a seed as <seed-node><address>ncsd2@127.0.0.1</address><port>4572</port></seed-node>");
                CheckAddress(leaves, path + "/address", address, entry);
                var portText = leaves.ChildText(entry, "port", path);
                var port = RaftConf.DefaultListenPort;
                if (portText is not null && !NcsConfValues.TryPort(portText, out port))
                {
                    throw leaves.ErrorAtElement(entry, "/ncs-config/" + path + "/port", NcsConfValues.Problem(NcsConfType.Port, portText)!);
                }

                seeds.Add(MemberNames.Of(address, port));
            }
            else
            {
                if (entry.HasElements)
                {
                    throw leaves.ErrorAtElement(entry, "/ncs-config/" + path, "up to NSO 6.6 a seed-node is an address (a leaf-list), not {address, port}; write <seed-node>ncsd2@127.0.0.1</seed-node>");
                }

                var address = leaves.TextOf(entry, path);
                CheckAddress(leaves, path, address, entry);
                seeds.Add(MemberNames.WithNodeId(address));
            }
        }

        return seeds;
    }

    private static void CheckAddress(NcsConfLeaves leaves, string path, string address, System.Xml.Linq.XElement? at = null)
    {
        try
        {
            RaftTlsHost.FromNodeAddress(address);
        }
        catch (ArgumentException e)
        {
            var message = e.Message.Replace(" (Parameter 'nodeAddress')", string.Empty, StringComparison.Ordinal);
            throw at is null ? leaves.Error(path, message) : leaves.ErrorAtElement(at, "/ncs-config/" + path, message);
        }
    }

    /// <summary>The 6.2.5 YANG: "When ssl is enabled leaves key-file, cert-file and ca-cert-file must be configured."</summary>
    private static string SslFile(NcsConfLeaves leaves, string leaf)
    {
        if (!leaves.Bool(Section + "/ssl/enabled", true))
        {
            throw leaves.Error(
                Section + "/ssl/enabled",
                "false; nso-sim runs HA Raft only over TLS, as NSO's HA chapter asks (\"Never disable TLS\"); set it to true and give key-file, cert-file and ca-cert-file");
        }

        var path = Section + "/ssl/" + leaf;
        return leaves.Value(path) is { Length: > 0 }
            ? leaves.Path(path, string.Empty)
            : throw leaves.Error(
                leaves.Exists(Section + "/ssl") ? Section + "/ssl" : Section,
                $"ssl/{leaf} is missing; when ha-raft/ssl/enabled is true (the default) NSO requires key-file, cert-file and ca-cert-file; give the node's files, e.g. <{leaf}>ha-tls/{Example(leaf)}</{leaf}>");
    }

    private static string Example(string leaf) => leaf switch
    {
        "key-file" => "node.key",
        "cert-file" => "node.crt",
        _ => "ca.crt",
    };

    private static TimeSpan TickTimeout(NcsConfLeaves leaves)
    {
        const string path = Section + "/tick-timeout";
        if (leaves.Value(path) is not { } text)
        {
            return TimeSpan.FromSeconds(1);
        }

        try
        {
            var tick = XmlConvert.ToTimeSpan(text);
            return tick > TimeSpan.Zero ? tick : throw new FormatException();
        }
        catch (FormatException)
        {
            throw leaves.Error(path, $"\"{text}\" is not a positive xs:duration; write it as NSO's default PT1S, or e.g. PT0.5S");
        }
    }
}
