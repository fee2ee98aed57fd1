using System.Globalization;
using System.Xml.Linq;

namespace NsoDev.Simulator.Devices;

/// <summary>
/// Reading NSO's cluster settings, the LSA part of running (<c>tailf-ncs-cluster.yang</c>, a submodule of
/// <c>tailf-ncs</c>, so <c>http://tail-f.com/ns/ncs</c>; NSO-NOTES §16): <c>/cluster/remote-node</c> and
/// <c>/cluster/authgroup</c>. <c>/cluster/device-notifications</c> and <c>/cluster/commit-queue</c> are kept as
/// data; nso-sim subscribes to no notifications and has no commit queue.
/// </summary>
/// <example>
/// <code>
/// &lt;cluster xmlns="http://tail-f.com/ns/ncs"&gt;
///   &lt;remote-node&gt;&lt;name&gt;lower-1&lt;/name&gt;&lt;address&gt;127.0.0.1&lt;/address&gt;&lt;port&gt;2023&lt;/port&gt;
///     &lt;authgroup&gt;default&lt;/authgroup&gt;&lt;username&gt;admin&lt;/username&gt;&lt;/remote-node&gt;
///   &lt;authgroup&gt;&lt;name&gt;default&lt;/name&gt;&lt;default-map&gt;&lt;same-user/&gt;&lt;same-pass/&gt;&lt;/default-map&gt;&lt;/authgroup&gt;
///   &lt;device-notifications&gt;&lt;enabled&gt;true&lt;/enabled&gt;&lt;/device-notifications&gt;
/// &lt;/cluster&gt;
/// </code>
/// </example>
internal static class ClusterXml
{
    /// <summary>A remote node's <c>port</c> default in the YANG: NETCONF over SSH's own port.</summary>
    public const int DefaultPort = 830;

    private static XNamespace Ns => NcsDevicesXml.Ns;

    public static XElement? Cluster(IEnumerable<XElement> topLevel) => topLevel.FirstOrDefault(e => e.Name == Ns + "cluster");

    public static XElement? RemoteNodeEntry(IEnumerable<XElement> topLevel, string name) =>
        Cluster(topLevel)?.Elements(Ns + "remote-node").FirstOrDefault(n => NcsDevicesXml.Leaf(n, "name") == name);

    public static XElement? AuthGroupEntry(IEnumerable<XElement> topLevel, string name) =>
        Cluster(topLevel)?.Elements(Ns + "authgroup").FirstOrDefault(g => NcsDevicesXml.Leaf(g, "name") == name);

    /// <summary>The names of the configured remote nodes, for messages.</summary>
    public static IReadOnlyList<string> RemoteNodeNames(IEnumerable<XElement> topLevel) =>
        Cluster(topLevel)?.Elements(Ns + "remote-node").Select(n => NcsDevicesXml.Leaf(n, "name")).OfType<string>().ToList() ?? [];

    /// <summary>
    /// A remote node as the device manager's connection code needs it: its address (the name when none is set,
    /// as the YANG says), port, cluster authgroup, known host keys and their verification.
    /// </summary>
    public static ManagedDevice RemoteNode(XElement entry, HostKeyVerification globalVerification)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var name = NcsDevicesXml.Leaf(entry, "name") ?? string.Empty;
        var ssh = entry.Element(Ns + "ssh");
        var keys = ssh?.Elements(Ns + "host-key")
            .Select(k => (NcsDevicesXml.Leaf(k, "algorithm"), NcsDevicesXml.Leaf(k, "key-data")))
            .Where(k => k.Item1 is not null && k.Item2 is not null)
            .Select(k => new DeviceHostKey(k.Item1!, ManagedDevice.KeyBlob(k.Item2!)))
            .ToList() ?? [];
        var port = NcsDevicesXml.Leaf(entry, "port") is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : DefaultPort;
        return new ManagedDevice(
            name,
            NcsDevicesXml.Leaf(entry, "address") ?? name,
            port,
            NcsDevicesXml.Leaf(entry, "authgroup") ?? "default",
            keys,
            NcsDevicesXml.ParseVerification(ssh is null ? null : NcsDevicesXml.Leaf(ssh, "host-key-verification")) ?? globalVerification,
            "unlocked");
    }

    /// <summary><c>/cluster/global-settings/timeouts/connect-timeout</c>, or its default of 20 seconds.</summary>
    public static TimeSpan ConnectTimeout(IEnumerable<XElement> topLevel)
    {
        var text = NcsDevicesXml.Leaf(Cluster(topLevel)?.Element(Ns + "global-settings")?.Element(Ns + "timeouts"), "connect-timeout");
        return TimeSpan.FromSeconds(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : NcsDevicesXml.DefaultTimeoutSeconds);
    }

    /// <summary><c>/cluster/remote-node{name}</c> in <paramref name="root"/> (a whole running tree); it must exist.</summary>
    public static XElement RemoteNodeEntryIn(XElement root, string name) =>
        root.Element(Ns + "cluster")?.Elements(Ns + "remote-node").FirstOrDefault(n => NcsDevicesXml.Leaf(n, "name") == name)
            ?? throw new InvalidOperationException($"/cluster/remote-node{{{name}}} is gone");

    /// <summary>For messages: <c>/cluster/remote-node{lower-1}</c>.</summary>
    public static string PathOf(string remoteNode) => $"/cluster/remote-node{{{remoteNode}}}";
}
