using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// Which existing sibling an element of an edit stands for (RFC 6241 section 7.2 says "matches").
/// With YANG, a server knows which nodes are list entries and what their keys are; nso-sim has no
/// YANG, so it guesses the way NSO models are usually written: the key of an element with child
/// elements is its child leaf named <c>name</c> (devices, authgroups, services), else <c>id</c>,
/// else <c>key</c>, else its first child leaf. Two elements with the same qualified name match when
/// their key leaves hold the same value, or when the edit's element has no leaf child at all (a
/// plain container). A leaf matches by name alone, so an edit replaces its value.
/// </summary>
/// <remarks>
/// The cost of the first-leaf guess: a container whose first leaf changes value, such as
/// <c>&lt;state&gt;&lt;admin-state&gt;locked&lt;/admin-state&gt;&lt;/state&gt;</c>, is taken as a
/// new entry beside the old one. Send <c>nc:operation="replace"</c> on such a container. Leaf-lists
/// are not told apart from leaves either: a merge replaces the first value.
/// </remarks>
internal static class ListEntryKey
{
    private static readonly string[] NamedKeys = ["name", "id", "key"];

    /// <summary>The key leaf of <paramref name="element"/>; null for a leaf or for a container without leaves.</summary>
    public static XElement? Of(XElement element) => NamedKeyOf(element) ?? element.Elements().FirstOrDefault(IsLeaf);

    /// <summary>The key leaf when it is one of the conventional names, not the first-leaf guess.</summary>
    public static XElement? NamedKeyOf(XElement element)
    {
        foreach (var keyName in NamedKeys)
        {
            if (element.Elements().FirstOrDefault(child => IsLeaf(child) && child.Name.LocalName == keyName) is { } key)
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>The first child of <paramref name="parent"/> that <paramref name="edit"/> stands for, or null.</summary>
    public static XElement? FindMatch(XElement parent, XElement edit)
    {
        var key = edit.HasElements ? Of(edit) : null;
        foreach (var candidate in parent.Elements(edit.Name))
        {
            if (key is null || candidate.Element(key.Name) is { HasElements: false } candidateKey && SameValue(candidateKey, key))
            {
                return candidate;
            }
        }

        return null;
    }

    public static bool IsLeaf(XElement element) => !element.HasElements;

    /// <summary>Leaf values compare without surrounding whitespace, which pretty-printed XML adds.</summary>
    public static bool SameValue(XElement a, XElement b) => a.Value.Trim() == b.Value.Trim();
}
