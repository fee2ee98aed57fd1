using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// The children of one node of running, looked up by key during one edit. It gives exactly the
/// answer of <see cref="ListEntryKey.FindMatch"/> (the first match in document order), but in
/// constant time, so that an edit or an init file with thousands of list entries costs linear
/// time, not quadratic. Small edits skip it: with few children a scan is cheaper.
/// </summary>
internal sealed class SiblingIndex
{
    private const int IndexFrom = 8;

    private readonly XElement _parent;
    private readonly bool _indexed;
    private readonly Dictionary<(XName Entry, XName Key), Dictionary<string, List<XElement>>> _byKey = [];

    /// <param name="parent">The node of running whose children the edit touches.</param>
    /// <param name="editChildren">How many children the edit has for it.</param>
    public SiblingIndex(XElement parent, int editChildren)
    {
        _parent = parent;
        _indexed = editChildren > IndexFrom;
    }

    public XElement? Find(XElement edit)
    {
        var key = edit.HasElements ? ListEntryKey.Of(edit) : null;
        if (!_indexed || key is null)
        {
            return ListEntryKey.FindMatch(_parent, edit);
        }

        return VariantFor(edit.Name, key.Name).TryGetValue(key.Value.Trim(), out var matches) ? matches[0] : null;
    }

    /// <summary>Call after <paramref name="element"/> was appended to the parent and filled in.</summary>
    public void Added(XElement element)
    {
        foreach (var ((entry, key), values) in _byKey)
        {
            if (entry == element.Name && KeyValue(element, key) is { } value)
            {
                Values(values, value).Add(element);
            }
        }
    }

    /// <summary>Call when <paramref name="element"/> leaves the parent.</summary>
    public void Removed(XElement element)
    {
        foreach (var ((entry, key), values) in _byKey)
        {
            if (entry == element.Name && KeyValue(element, key) is { } value && values.TryGetValue(value, out var list))
            {
                list.Remove(element);
                if (list.Count == 0)
                {
                    values.Remove(value);
                }
            }
        }
    }

    /// <summary>Call after <paramref name="replacement"/> took the place of <paramref name="old"/> and was filled in.</summary>
    public void Replaced(XElement old, XElement replacement)
    {
        foreach (var variant in _byKey.Where(v => v.Key.Entry == old.Name).ToList())
        {
            var key = variant.Key.Key;
            if (KeyValue(old, key) is { } value && value == KeyValue(replacement, key) && variant.Value.TryGetValue(value, out var list))
            {
                list[list.IndexOf(old)] = replacement;
            }
            else
            {
                // A key that changed value: rare enough to rebuild this variant on the next lookup.
                _byKey.Remove(variant.Key);
            }
        }
    }

    private Dictionary<string, List<XElement>> VariantFor(XName entry, XName key)
    {
        if (!_byKey.TryGetValue((entry, key), out var values))
        {
            values = new Dictionary<string, List<XElement>>(StringComparer.Ordinal);
            foreach (var candidate in _parent.Elements(entry))
            {
                if (KeyValue(candidate, key) is { } value)
                {
                    Values(values, value).Add(candidate);
                }
            }

            _byKey.Add((entry, key), values);
        }

        return values;
    }

    /// <summary>The value <see cref="ListEntryKey.FindMatch"/> compares: the first child so named, if it is a leaf.</summary>
    private static string? KeyValue(XElement candidate, XName key) =>
        candidate.Element(key) is { HasElements: false } leaf ? leaf.Value.Trim() : null;

    private static List<XElement> Values(Dictionary<string, List<XElement>> values, string value)
    {
        if (!values.TryGetValue(value, out var list))
        {
            list = [];
            values.Add(value, list);
        }

        return list;
    }
}
