using System.Text;
using System.Xml.Linq;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Cli;

/// <summary>
/// Writes XML data the way NSO's C-style CLI shows it (<c>show running-config</c>), without YANG:
/// <list type="bullet">
/// <item>a leaf is <c>name value</c>; the value is quoted when it holds spaces or quotes, and an
/// empty leaf (type empty) is its name alone;</item>
/// <item>a list entry (an element with a leaf named <c>name</c>, <c>id</c> or <c>key</c>, see
/// <see cref="ListEntryKey.NamedKeyOf"/>) opens a block: <c>name key</c>, its other children indented
/// by one space with the values of its leaves aligned, and <c>!</c> to close it;</item>
/// <item>a container prefixes its name to every line of its children, as NSO does, so it needs no
/// block and no <c>!</c>.</item>
/// </list>
/// </summary>
/// <example>
/// <code>
/// &lt;devices xmlns="http://tail-f.com/ns/ncs"&gt;
///   &lt;device&gt;&lt;name&gt;ce0&lt;/name&gt;&lt;address&gt;127.0.0.1&lt;/address&gt;&lt;port&gt;10022&lt;/port&gt;
///     &lt;state&gt;&lt;admin-state&gt;unlocked&lt;/admin-state&gt;&lt;/state&gt;&lt;/device&gt;
/// &lt;/devices&gt;
/// </code>
/// becomes
/// <code>
/// devices device ce0
///  address 127.0.0.1
///  port    10022
///  state admin-state unlocked
/// !
/// </code>
/// </example>
internal static class CStyleRenderer
{
    public static IReadOnlyList<string> Render(IEnumerable<XElement> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var lines = new List<string>();
        foreach (var node in nodes)
        {
            Render(node, string.Empty, 0, 0, lines);
        }

        return lines;
    }

    private static void Render(XElement node, string prefix, int depth, int nameWidth, List<string> lines)
    {
        var indent = new string(' ', depth);
        var name = prefix + node.Name.LocalName;
        if (!node.HasElements)
        {
            lines.Add(node.Value.Length == 0 ? indent + name : $"{indent}{name.PadRight(nameWidth)} {Quote(node.Value)}");
            return;
        }

        if (ListEntryKey.NamedKeyOf(node) is { } key)
        {
            lines.Add($"{indent}{name} {Quote(key.Value.Trim())}");
            var children = node.Elements().Where(c => c != key).ToList();
            var width = children.Where(c => !c.HasElements).Select(c => c.Name.LocalName.Length).DefaultIfEmpty(0).Max();
            foreach (var child in children)
            {
                Render(child, string.Empty, depth + 1, width, lines);
            }

            lines.Add(indent + "!");
            return;
        }

        foreach (var child in node.Elements())
        {
            Render(child, name + " ", depth, 0, lines);
        }
    }

    /// <summary>Sample output: <c>10022</c>, <c>"uplink to core"</c>, <c>"say \"hi\""</c>.</summary>
    private static string Quote(string value)
    {
        if (value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\\' or '!' or ';'))
        {
            return value;
        }

        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}
