using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// Subtree filtering (RFC 6241 section 6). In a filter, an element without children is a
/// selection node (take the whole matching subtree); a leaf with text is a content-match node (the
/// parent is kept only if it has a child leaf with that value); an element with children is a
/// containment node (descend). An element without a namespace matches any namespace. Sibling
/// filters that reach the same data add up. Attribute-match expressions are not supported.
/// </summary>
/// <example>
/// Sample filter: the address of device ce0 only.
/// <code>
/// &lt;filter type="subtree"&gt;
///   &lt;devices xmlns="http://tail-f.com/ns/ncs"&gt;&lt;device&gt;&lt;name&gt;ce0&lt;/name&gt;&lt;address/&gt;&lt;/device&gt;&lt;/devices&gt;
/// &lt;/filter&gt;
/// </code>
/// </example>
internal sealed class SubtreeFilter
{
    private readonly HashSet<XElement> _whole = [];
    private readonly HashSet<XElement> _partial = [];

    private SubtreeFilter()
    {
    }

    /// <summary>Copies of the parts of <paramref name="data"/> that <paramref name="filter"/> selects, in data order.</summary>
    /// <param name="data">The top-level data nodes; they are only read.</param>
    /// <param name="filter">The <c>&lt;filter&gt;</c> element; an empty one selects nothing.</param>
    public static IReadOnlyList<XElement> Select(IEnumerable<XElement> data, XElement filter)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(filter);
        var nodes = data as IReadOnlyCollection<XElement> ?? data.ToList();
        var selection = new SubtreeFilter();
        foreach (var node in filter.Elements())
        {
            foreach (var candidate in nodes.Where(d => Matches(node, d)))
            {
                selection.Evaluate(candidate, node);
            }
        }

        return nodes.Where(selection.IsSelected).Select(selection.Project).ToList();
    }

    /// <summary>Marks what <paramref name="filter"/> selects in and below <paramref name="data"/>; true when anything.</summary>
    private bool Evaluate(XElement data, XElement filter)
    {
        if (!filter.HasElements)
        {
            var text = filter.Value.Trim();
            if (text.Length > 0 && (data.HasElements || data.Value.Trim() != text))
            {
                return false;
            }

            _whole.Add(data);
            return true;
        }

        var contentMatches = filter.Elements().Where(IsContentMatch).ToList();
        var matchedLeaves = new List<XElement>(contentMatches.Count);
        foreach (var match in contentMatches)
        {
            var leaf = data.Elements().FirstOrDefault(d => Matches(match, d) && !d.HasElements && d.Value.Trim() == match.Value.Trim());
            if (leaf is null)
            {
                return false;
            }

            matchedLeaves.Add(leaf);
        }

        var others = filter.Elements().Where(f => !IsContentMatch(f)).ToList();
        if (others.Count == 0)
        {
            // Only content-match nodes: the whole entry is selected.
            _whole.Add(data);
            return true;
        }

        var selectedBelow = false;
        foreach (var node in others)
        {
            foreach (var child in data.Elements().Where(d => Matches(node, d)))
            {
                selectedBelow |= Evaluate(child, node);
            }
        }

        if (!selectedBelow && matchedLeaves.Count == 0)
        {
            return false;
        }

        _whole.UnionWith(matchedLeaves);
        _partial.Add(data);
        return true;
    }

    private bool IsSelected(XElement data) => _whole.Contains(data) || _partial.Contains(data);

    private XElement Project(XElement data) =>
        _whole.Contains(data)
            ? new XElement(data)
            : new XElement(data.Name, data.Attributes(), data.Elements().Where(IsSelected).Select(Project));

    private static bool IsContentMatch(XElement filter) => !filter.HasElements && filter.Value.Trim().Length > 0;

    private static bool Matches(XElement filter, XElement data) =>
        filter.Name.LocalName == data.Name.LocalName
        && (filter.Name.Namespace == XNamespace.None || filter.Name.Namespace == data.Name.Namespace);
}
