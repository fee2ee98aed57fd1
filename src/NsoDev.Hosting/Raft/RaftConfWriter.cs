using System.Globalization;
using System.Net;
using System.Xml.Linq;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Raft;

/// <summary>
/// Writes a node's <c>/ncs-config/ha-raft</c> section and its <c>ha-primary-listen</c> endpoints into
/// an ncs.conf, in the form of the node's release (docs/NSO-NOTES.md §14). For 6.7:
/// <code>
/// &lt;ha-raft&gt;
///   &lt;enabled&gt;true&lt;/enabled&gt;
///   &lt;cluster-name&gt;raft&lt;/cluster-name&gt;
///   &lt;listen&gt;&lt;node-address&gt;ncsd1@127.0.0.1&lt;/node-address&gt;&lt;port&gt;4571&lt;/port&gt;&lt;/listen&gt;
///   &lt;seed-nodes&gt;&lt;seed-node&gt;&lt;address&gt;ncsd2@127.0.0.1&lt;/address&gt;&lt;port&gt;4572&lt;/port&gt;&lt;/seed-node&gt;&lt;/seed-nodes&gt;
///   &lt;ssl&gt;&lt;enabled&gt;true&lt;/enabled&gt;&lt;key-file&gt;ha-tls/node.key&lt;/key-file&gt;...&lt;/ssl&gt;
/// &lt;/ha-raft&gt;
/// </code>
/// Up to 6.6 <c>listen</c> has <c>min-port</c>/<c>max-port</c> instead of <c>port</c>, and each
/// <c>seed-node</c> is just an address.
/// </summary>
internal static class RaftConfWriter
{
    /// <summary>The children this writer owns; any other child of a template's ha-raft (tick-timeout, passive, ...) is kept.</summary>
    private static readonly string[] Written = ["enabled", "cluster-name", "listen", "seed-nodes", "ssl"];

    /// <summary>A copy of <paramref name="conf"/> with the node's section, for the node's own release.</summary>
    /// <exception cref="RaftConfException">The node is not valid, or the file has rule-based HA on.</exception>
    public static XDocument Apply(XDocument conf, RaftNode node)
    {
        ArgumentNullException.ThrowIfNull(conf);
        ArgumentNullException.ThrowIfNull(node);
        var copy = new XDocument(conf);
        Write(copy.Root!, node, node.Release);
        return copy;
    }

    /// <summary>Writes the node's section into <paramref name="root"/> in place.</summary>
    /// <param name="root">The <c>ncs-config</c> element.</param>
    /// <param name="node">The node.</param>
    /// <param name="engineRelease">The release of the NSO that reads the file; it must be the node's.</param>
    /// <exception cref="RaftConfException">The node is not valid, is planned for another release, or the file has rule-based HA on.</exception>
    public static void Write(XElement root, RaftNode node, NsoRelease engineRelease)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(node);
        RaftMembers.ValidateNode(node);
        if (node.Release != engineRelease)
        {
            Fail(node, $"Node {node.Address} is planned for NSO {node.Release}, but the engine that reads this ncs.conf runs NSO {engineRelease}, and the two releases write ha-raft differently; plan the cluster for NSO {engineRelease}.");
        }

        var ns = root.Name.Namespace;
        if (root.Element(ns + "ha")?.Element(ns + "enabled")?.Value.Trim() == "true")
        {
            Fail(node, $"The template turns rule-based HA on (/ncs-config/ha/enabled), and NSO runs one HA mode at a time; set ha/enabled to false in the template for node {node.Address}.");
        }

        WriteHaRaft(root, ns, node);
        if (node.PrimaryListen is { } primary)
        {
            WritePrimaryListen(root, ns, node, "NETCONF", ["netconf-north-bound", "transport", "ssh"], primary.Address, primary.NetconfSshPort);
            WritePrimaryListen(root, ns, node, "CLI", ["cli", "ssh"], primary.Address, primary.CliSshPort);
            if (primary.WebUiPort is { } webUi)
            {
                WritePrimaryListen(root, ns, node, "web UI", ["webui", "transport", "tcp"], primary.Address, webUi);
            }
        }
    }

    private static void WriteHaRaft(XElement root, XNamespace ns, RaftNode node)
    {
        var listen = new XElement(ns + "listen", new XElement(ns + "node-address", node.Address.ToString()));
        if (node.HasOwnPort)
        {
            listen.Add(new XElement(ns + "port", Format(node.ListenPort!.Value)));
        }
        else
        {
            listen.Add(new XElement(ns + "min-port", Format(node.Distribution.Min)), new XElement(ns + "max-port", Format(node.Distribution.Max)));
        }

        var tls = node.Tls!;
        var ssl = new XElement(
            ns + "ssl",
            new XElement(ns + "enabled", "true"),
            new XElement(ns + "key-file", tls.KeyFile),
            new XElement(ns + "cert-file", tls.CertFile),
            new XElement(ns + "ca-cert-file", tls.CaCertFile));
        if (tls.CrlDirectory is { Length: > 0 } crls)
        {
            ssl.Add(new XElement(ns + "crl-dir", crls));
        }

        var haRaft = new XElement(ns + "ha-raft", new XElement(ns + "enabled", "true"), new XElement(ns + "cluster-name", node.ClusterName), listen);
        if (node.Seeds.Count > 0)
        {
            // seed-nodes is a presence container: written only with seeds in it.
            haRaft.Add(new XElement(ns + "seed-nodes", node.Seeds.Select(seed => node.HasOwnPort
                ? new XElement(ns + "seed-node", new XElement(ns + "address", seed.Address.ToString()), new XElement(ns + "port", Format(seed.Port!.Value)))
                : new XElement(ns + "seed-node", seed.Address.ToString()))));
        }

        haRaft.Add(ssl);
        var existing = root.Element(ns + "ha-raft");
        if (existing is not null)
        {
            haRaft.Add(existing.Elements().Where(e => !Written.Contains(e.Name.LocalName)).Select(e => new XElement(e)));
            Indent(haRaft, 1);
            existing.ReplaceWith(haRaft);
            return;
        }

        Indent(haRaft, 1);
        // ncs.conf(5) and the YANG put ha-raft after the northbound sections; ncs-setup's file ends with them.
        var anchor = root.Element(ns + "netconf-call-home") ?? root.Element(ns + "netconf-north-bound");
        if (anchor is null)
        {
            AddIndented(root, haRaft);
        }
        else
        {
            anchor.AddAfterSelf(new XText("\n\n  "), haRaft);
        }
    }

    private static void WritePrimaryListen(XElement root, XNamespace ns, RaftNode node, string service, string[] path, string address, int port)
    {
        var container = root;
        foreach (var step in path)
        {
            var next = container.Element(ns + step);
            if (next is null)
            {
                next = new XElement(ns + step);
                AddIndented(container, next);
            }

            container = next;
        }

        if (container.Element(ns + "port")?.Value.Trim() is { } ownPort && ownPort == Format(port)
            && Overlaps(container.Element(ns + "ip")?.Value.Trim(), address))
        {
            Fail(node, $"Node {node.Address}: the leader's {service} endpoint {address}:{port} (ha-primary-listen) is also the node's own {service} listener; give ha-primary-listen a port of its own.");
        }

        foreach (var old in container.Elements(ns + "ha-primary-listen").ToList())
        {
            if (old.PreviousNode is XText { Value: var space } before && string.IsNullOrWhiteSpace(space))
            {
                before.Remove();
            }

            old.Remove();
        }

        AddIndented(container, new XElement(ns + "ha-primary-listen", new XElement(ns + "ip", address), new XElement(ns + "port", Format(port))));
    }

    /// <summary>True when a listener on <paramref name="own"/> (absent means NSO's 0.0.0.0) and one on <paramref name="other"/> would take the same address.</summary>
    private static bool Overlaps(string? own, string other)
    {
        if (own is null || string.Equals(own, other, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(own, out var a) && IPAddress.TryParse(other, out var b)
            && (a.Equals(b) || a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) || b.Equals(IPAddress.Any) || b.Equals(IPAddress.IPv6Any));
    }

    /// <summary>Adds <paramref name="child"/> as the last child, indented like ncs-setup's files (two spaces a level), so a person reading the file finds it.</summary>
    private static void AddIndented(XElement parent, XElement child)
    {
        var depth = parent.AncestorsAndSelf().Count();
        Indent(child, depth);
        var childIndent = "\n" + new string(' ', 2 * depth);
        if (parent.LastNode is XText { Value: var space } closing && string.IsNullOrWhiteSpace(space))
        {
            closing.AddBeforeSelf(new XText(childIndent), child);
        }
        else
        {
            parent.Add(new XText(childIndent), child, new XText("\n" + new string(' ', 2 * (depth - 1))));
        }
    }

    /// <summary>Puts each child element of <paramref name="element"/> (at <paramref name="depth"/>, the root being 0) on its own line.</summary>
    private static void Indent(XElement element, int depth)
    {
        var children = element.Elements().ToList();
        if (children.Count == 0)
        {
            return;
        }

        // A copied element may bring its own layout; one layout replaces it.
        foreach (var space in element.Nodes().OfType<XText>().Where(t => string.IsNullOrWhiteSpace(t.Value)).ToList())
        {
            space.Remove();
        }

        foreach (var child in children)
        {
            child.AddBeforeSelf(new XText("\n" + new string(' ', 2 * (depth + 1))));
            Indent(child, depth + 1);
        }

        element.Add(new XText("\n" + new string(' ', 2 * depth)));
    }

    private static void Fail(RaftNode node, string problem) =>
        throw new RaftConfException($"The HA Raft cluster '{node.ClusterName}' cannot be configured:\n- {problem}", [problem]);

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
