using System.Text;
using System.Xml.Linq;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Devices;

/// <summary>
/// The edit-config that turns one device configuration into another, and the comparison check-sync makes.
/// Elements are matched as the datastore matches them (<see cref="ListEntryKey"/>), so the device, applying
/// the edit with the same rules, ends with what NSO holds. New and changed nodes are merged; a node that is
/// gone gets <c>nc:operation="delete"</c>, its key with it, placed before the merges so that a list entry
/// whose key changed is removed before its successor is added.
/// </summary>
/// <example>
/// From <c>&lt;sys&gt;&lt;host&gt;a&lt;/host&gt;&lt;ntp&gt;1.1.1.1&lt;/ntp&gt;&lt;/sys&gt;</c> to
/// <c>&lt;sys&gt;&lt;host&gt;b&lt;/host&gt;&lt;/sys&gt;</c> (no named key, so <c>host</c>, the first leaf, is the key):
/// <code>
/// &lt;sys nc:operation="delete"&gt;&lt;host&gt;a&lt;/host&gt;&lt;/sys&gt;
/// &lt;sys&gt;&lt;host&gt;b&lt;/host&gt;&lt;/sys&gt;
/// </code>
/// </example>
internal static class ConfigDiff
{
    /// <summary>The top-level nodes of the edit; empty when the two are the same.</summary>
    public static IReadOnlyList<XElement> Between(IReadOnlyList<XElement> from, IReadOnlyList<XElement> to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var oldParent = new XElement("from", from.Select(e => new XElement(e)));
        var newParent = new XElement("to", to.Select(e => new XElement(e)));
        var edit = new XElement("edit");
        DiffChildren(oldParent, newParent, edit);
        return [.. edit.Elements()];
    }

    /// <summary>Whether two configurations hold the same data, whatever the order of siblings.</summary>
    public static bool Same(IEnumerable<XElement> a, IEnumerable<XElement> b) => Canonical(a) == Canonical(b);

    /// <summary>A text that two equal configurations share: each element's name and value, siblings sorted.</summary>
    public static string Canonical(IEnumerable<XElement> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return string.Join('\n', nodes.Select(CanonicalOf).Order(StringComparer.Ordinal));
    }

    private static string CanonicalOf(XElement element)
    {
        var text = new StringBuilder().Append('{').Append(element.Name.NamespaceName).Append('}').Append(element.Name.LocalName);
        if (!element.HasElements)
        {
            return text.Append('=').Append(element.Value.Trim()).ToString();
        }

        text.Append('(');
        text.AppendJoin(',', element.Elements().Select(CanonicalOf).Order(StringComparer.Ordinal));
        return text.Append(')').ToString();
    }

    /// <returns>Whether anything below differs.</returns>
    private static bool DiffChildren(XElement from, XElement to, XElement edit)
    {
        var deletes = new List<XElement>();
        var merges = new List<XElement>();
        foreach (var old in from.Elements())
        {
            if (ListEntryKey.FindMatch(to, old) is null)
            {
                var gone = KeyShell(old);
                gone.SetAttributeValue(ConfigNamespaces.Operation, "delete");
                deletes.Add(gone);
            }
        }

        foreach (var current in to.Elements())
        {
            var old = ListEntryKey.FindMatch(from, current);
            if (old is null)
            {
                merges.Add(new XElement(current));
            }
            else if (!current.HasElements || !old.HasElements)
            {
                if (!ListEntryKey.SameValue(old, current) || current.HasElements != old.HasElements)
                {
                    merges.Add(new XElement(current));
                }
            }
            else
            {
                var below = KeyShell(current);
                if (DiffChildren(old, current, below))
                {
                    merges.Add(below);
                }
            }
        }

        edit.Add(deletes, merges);
        return deletes.Count + merges.Count > 0;
    }

    /// <summary>The element with only what identifies it: its key leaf, when it has one.</summary>
    private static XElement KeyShell(XElement element)
    {
        var shell = new XElement(element.Name, element.Attributes().Where(a => a.IsNamespaceDeclaration));
        if (element.HasElements && ListEntryKey.Of(element) is { } key)
        {
            shell.Add(new XElement(key));
        }

        return shell;
    }
}
