using System.Xml.Linq;
using NsoDev.Ipc;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// <c>ncs.conf.d/*.conf</c> beside ncs.conf (docs/NSO-NOTES.md §1), merged into the main file in
/// name order. Each fragment has its own <c>&lt;ncs-config&gt;</c> root. Sample, the HA Raft
/// examples' <c>ncs.conf.d/ipc.conf</c>:
/// <code>
/// &lt;ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config"&gt;
///   &lt;ncs-local-ipc&gt;&lt;enabled&gt;true&lt;/enabled&gt;&lt;path&gt;/tmp/nso/nso-ipc1&lt;/path&gt;&lt;/ncs-local-ipc&gt;
/// &lt;/ncs-config&gt;
/// </code>
/// How NSO merges is not public (inferred): containers merge by name, a leaf in a later file
/// replaces the earlier one, lists and leaf-lists are appended.
/// </summary>
internal static class NcsConfFragments
{
    public const string DirectoryName = "ncs.conf.d";

    /// <summary>The fragment files for <paramref name="mainFile"/>, sorted by name; dot-files are skipped as a shell glob skips them.</summary>
    /// <exception cref="NcsConfException">The directory exists but cannot be listed.</exception>
    public static IReadOnlyList<string> For(string mainFile)
    {
        var directory = Path.Combine(Path.GetDirectoryName(mainFile)!, DirectoryName);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        try
        {
            return [.. Directory.EnumerateFiles(directory)
                .Where(f => Path.GetFileName(f) is var name && name.EndsWith(".conf", StringComparison.Ordinal) && !name.StartsWith('.'))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NcsConfException($"{directory}: cannot list the ncs.conf fragments: {e.Message}", e);
        }
    }

    /// <summary>Moves the content of <paramref name="fragment"/> into <paramref name="target"/>.</summary>
    public static void Merge(XElement target, XElement fragment, string fragmentFile, NsoRelease release)
    {
        var fragmentNamespace = fragment.Name.Namespace;
        foreach (var element in fragment.DescendantsAndSelf().Where(e => e.Name.Namespace == fragmentNamespace).ToList())
        {
            // The man page's .../1.0 namespace and the plain one are the same schema.
            element.Name = target.Name.Namespace + element.Name.LocalName;
        }

        var source = new NcsConfSource(fragmentFile);
        foreach (var element in fragment.Descendants())
        {
            element.AddAnnotation(source);
        }

        MergeChildren(target, fragment, NcsConfSchema.Root, release);
    }

    private static void MergeChildren(XElement target, XElement source, NcsConfNode node, NsoRelease release)
    {
        foreach (var child in source.Elements().ToList())
        {
            var childNode = node.Child(child.Name.LocalName);
            var shape = childNode?.In(release);
            var existing = target.Element(child.Name);
            child.Remove();
            if (childNode is null || shape is null || shape.Many || existing is null)
            {
                target.Add(child);
            }
            else if (shape.IsLeaf)
            {
                existing.ReplaceWith(child);
            }
            else
            {
                MergeChildren(existing, child, childNode, release);
            }
        }
    }
}
