using System.Globalization;
using System.Xml.Linq;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Lsa;

/// <summary>One lower (RFS) node as the upper reaches it: its name, NETCONF address and port, and its release.</summary>
internal sealed record LsaLowerNode(string Name, string Address, int NetconfPort, NsoRelease Release);

/// <summary>
/// The upper node's CDB init data for LSA (NSO-NOTES §16), what Cisco's LSA examples configure by hand: a
/// <c>/cluster/remote-node</c> per lower node (address, NETCONF port, the cluster authgroup <c>default</c>, username
/// <c>admin</c>), device notifications and the cluster commit queue on, and a <c>/devices/device</c> per lower node
/// reached through its remote node (<c>lsa-remote-node</c>), unlocked, with the LSA ned-id.
/// </summary>
/// <example>
/// <code>
/// &lt;device&gt;&lt;name&gt;lsa-lower-1&lt;/name&gt;&lt;lsa-remote-node&gt;lsa-lower-1&lt;/lsa-remote-node&gt;&lt;authgroup&gt;default&lt;/authgroup&gt;
///   &lt;device-type&gt;&lt;netconf&gt;&lt;ned-id xmlns:ned="http://tail-f.com/ns/ncs-ned"&gt;ned:lsa-netconf&lt;/ned-id&gt;&lt;/netconf&gt;&lt;/device-type&gt;
///   &lt;state&gt;&lt;admin-state&gt;unlocked&lt;/admin-state&gt;&lt;/state&gt;&lt;/device&gt;
/// </code>
/// </example>
internal static class LsaInitData
{
    public const string FileName = "lsa_init.xml";

    /// <summary>The built-in ned-id of a lower node of the upper's own release (tailf-ncs-ned.yang).</summary>
    public const string LsaNetconf = "lsa-netconf";

    /// <summary>The authgroup (device and cluster) and the local user of Cisco's examples; NSO's factory defaults define both groups.</summary>
    public const string AuthGroup = "default";

    public const string Username = "admin";

    private static readonly XNamespace Config = "http://tail-f.com/ns/config/1.0";
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";
    private static readonly XNamespace NcsNed = "http://tail-f.com/ns/ncs-ned";

    /// <summary>
    /// <c>lsa-netconf</c> when every node runs the upper's release; otherwise each lower node's own
    /// <c>cisco-nso-nc-X.Y</c>, the LSA NED package of its release.
    /// </summary>
    public static string NedIdOf(LsaLowerNode lower, NsoRelease upper, IReadOnlyList<LsaLowerNode> lowers)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(lowers);
        return lowers.All(l => l.Release == upper) ? LsaNetconf : CiscoNsoPackage(lower.Release);
    }

    /// <summary>The LSA NED package (and ned-id) for a lower node of <paramref name="release"/>: <c>cisco-nso-nc-6.4</c>.</summary>
    public static string CiscoNsoPackage(NsoRelease release) => $"cisco-nso-nc-{release}";

    /// <summary>The packages the upper needs linked from <c>$NCS_DIR/packages/lsa</c>: none when every node runs its release.</summary>
    public static IReadOnlyList<string> PackagesOf(NsoRelease upper, IReadOnlyList<LsaLowerNode> lowers)
    {
        ArgumentNullException.ThrowIfNull(lowers);
        return [.. lowers.Select(l => NedIdOf(l, upper, lowers)).Where(n => n != LsaNetconf).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Every reason NSO would not manage these lower nodes from this upper, in one message; null when there is none.</summary>
    public static string? Problems(string upperName, NsoRelease upper, IReadOnlyList<LsaLowerNode> lowers)
    {
        ArgumentNullException.ThrowIfNull(lowers);
        var newer = lowers.Where(l => l.Release > upper).ToList();
        return newer.Count == 0
            ? null
            : $"LSA upper node {upperName} runs NSO {upper}, older than its lower node{(newer.Count > 1 ? "s" : "")} {string.Join(", ", newer.Select(l => $"{l.Name} (NSO {l.Release})"))}; the upper must run the same or a newer release than every lower node. Give the upper a newer NSO (WithNsoInstallation) or the lower nodes an older one.";
    }

    /// <summary>The init file's content: a <c>config</c> root with the <c>cluster</c> and <c>devices</c> data.</summary>
    public static XElement Build(NsoRelease upper, IReadOnlyList<LsaLowerNode> lowers)
    {
        ArgumentNullException.ThrowIfNull(lowers);
        return new XElement(
            Config + "config",
            new XElement(
                Ncs + "cluster",
                lowers.Select(l => new XElement(
                    Ncs + "remote-node",
                    new XElement(Ncs + "name", l.Name),
                    new XElement(Ncs + "address", l.Address),
                    new XElement(Ncs + "port", l.NetconfPort.ToString(CultureInfo.InvariantCulture)),
                    new XElement(Ncs + "authgroup", AuthGroup),
                    new XElement(Ncs + "username", Username))),
                new XElement(Ncs + "device-notifications", new XElement(Ncs + "enabled", "true")),
                new XElement(Ncs + "commit-queue", new XElement(Ncs + "enabled", "true"))),
            new XElement(
                Ncs + "devices",
                lowers.Select(l => new XElement(
                    Ncs + "device",
                    new XElement(Ncs + "name", l.Name),
                    new XElement(Ncs + "lsa-remote-node", l.Name),
                    new XElement(Ncs + "authgroup", AuthGroup),
                    new XElement(Ncs + "device-type", new XElement(Ncs + "netconf", NedIdElement(NedIdOf(l, upper, lowers)))),
                    new XElement(Ncs + "state", new XElement(Ncs + "admin-state", "unlocked"))))));
    }

    /// <summary>
    /// The ned-id is a YANG identityref: <c>ned:lsa-netconf</c> in tailf-ncs-ned's namespace, or <c>id:cisco-nso-nc-X.Y</c>
    /// in <c>http://tail-f.com/ns/ned-id/cisco-nso-nc-X.Y</c>, as the package's package-meta-data.xml declares it.
    /// </summary>
    private static XElement NedIdElement(string nedId) => nedId == LsaNetconf
        ? new XElement(Ncs + "ned-id", new XAttribute(XNamespace.Xmlns + "ned", NcsNed.NamespaceName), "ned:" + LsaNetconf)
        : new XElement(Ncs + "ned-id", new XAttribute(XNamespace.Xmlns + "id", $"http://tail-f.com/ns/ned-id/{nedId}"), "id:" + nedId);
}
