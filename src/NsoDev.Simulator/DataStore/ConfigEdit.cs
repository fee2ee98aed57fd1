using System.Text;
using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// Applies the children of an edit-config <c>&lt;config&gt;</c> to a configuration tree, with the
/// schema-less semantics of RFC 6241 section 7.2: elements are matched by <see cref="ListEntryKey"/>,
/// leaves take the new value, and <c>nc:operation</c> (merge, replace, create, delete, remove) on
/// any element overrides the operation it inherits. The caller applies to a copy and publishes it
/// only when the whole edit succeeded, so a failed edit changes nothing.
/// </summary>
/// <example>
/// Sample input, under <c>default-operation merge</c>:
/// <code>
/// &lt;config&gt;
///   &lt;devices xmlns="http://tail-f.com/ns/ncs"&gt;
///     &lt;device&gt;&lt;name&gt;ce0&lt;/name&gt;&lt;address&gt;10.0.0.1&lt;/address&gt;&lt;/device&gt;
///     &lt;device nc:operation="delete"&gt;&lt;name&gt;ce1&lt;/name&gt;&lt;/device&gt;
///   &lt;/devices&gt;
/// &lt;/config&gt;
/// </code>
/// </example>
internal sealed class ConfigEdit
{
    private readonly XElement _config;

    /// <param name="config">The element whose children are the edit; its own name does not matter.</param>
    public ConfigEdit(XElement config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
    }

    /// <summary>Changes <paramref name="root"/> in place.</summary>
    /// <exception cref="DataStoreException">data-exists, data-missing or bad-attribute; <paramref name="root"/> is then half-edited.</exception>
    public void ApplyTo(XElement root, EditOperation defaultOperation)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (defaultOperation == EditOperation.Replace)
        {
            // "The new configuration ... completely replaces the configuration in the target datastore."
            root.Elements().Remove();
            defaultOperation = EditOperation.Merge;
        }

        ApplyChildren(root, _config, defaultOperation);
    }

    private void ApplyChildren(XElement target, XElement edit, EditOperation inherited)
    {
        var children = edit.Elements().ToList();
        var siblings = new SiblingIndex(target, children.Count);
        foreach (var child in children)
        {
            Apply(target, siblings, child, inherited);
        }
    }

    private void Apply(XElement parent, SiblingIndex siblings, XElement edit, EditOperation inherited)
    {
        var operation = EditOperations.Of(edit) ?? inherited;
        var existing = siblings.Find(edit);
        switch (operation)
        {
            case EditOperation.Create when existing is not null:
                throw new DataStoreException(DataStoreError.DataExists, $"{PathOf(edit)} already exists; create refuses to overwrite it (use merge or replace)", PathOf(edit));
            case EditOperation.Create:
            case EditOperation.Merge:
                if (existing is null)
                {
                    var created = ShellOf(edit, parent);
                    parent.Add(created);
                    MergeContent(created, edit, EditOperation.Merge);
                    siblings.Added(created);
                }
                else
                {
                    MergeContent(existing, edit, EditOperation.Merge);
                }

                break;
            case EditOperation.Replace:
                var replacement = ShellOf(edit, parent);
                if (existing is null)
                {
                    parent.Add(replacement);
                    MergeContent(replacement, edit, EditOperation.Merge);
                    siblings.Added(replacement);
                }
                else
                {
                    existing.ReplaceWith(replacement);
                    MergeContent(replacement, edit, EditOperation.Merge);
                    siblings.Replaced(existing, replacement);
                }

                break;
            case EditOperation.Delete when existing is null:
                throw new DataStoreException(DataStoreError.DataMissing, $"{PathOf(edit)} does not exist, so it cannot be deleted (remove ignores a missing node)", PathOf(edit));
            case EditOperation.Delete:
            case EditOperation.Remove:
                if (existing is not null)
                {
                    existing.Remove();
                    siblings.Removed(existing);
                }

                break;
            default:
                ApplyNone(parent, siblings, edit, existing);
                break;
        }
    }

    /// <summary>
    /// default-operation none: running is left alone except where a nested <c>nc:operation</c> asks.
    /// A missing node on the way to a merge, replace or create is created (with its keys) so that the
    /// nested operation has somewhere to go; on the way to a delete it is data-missing.
    /// </summary>
    private void ApplyNone(XElement parent, SiblingIndex siblings, XElement edit, XElement? existing)
    {
        if (existing is not null)
        {
            ApplyChildren(existing, edit, EditOperation.None);
            return;
        }

        var nested = edit.Descendants().Select(EditOperations.Of).Where(o => o is not null).ToList();
        if (nested.Any(o => o is EditOperation.Merge or EditOperation.Replace or EditOperation.Create))
        {
            Apply(parent, siblings, edit, EditOperation.Merge);
        }
        else if (nested.Contains(EditOperation.Delete))
        {
            throw new DataStoreException(DataStoreError.DataMissing, $"{PathOf(edit)} does not exist, so nothing below it can be deleted", PathOf(edit));
        }
    }

    private void MergeContent(XElement target, XElement edit, EditOperation inherited)
    {
        if (ListEntryKey.IsLeaf(edit))
        {
            // An empty element merged into a container with content changes nothing; otherwise the value wins.
            if (edit.Value.Length > 0 || !target.HasElements)
            {
                target.Value = edit.Value;
            }

            return;
        }

        target.Nodes().OfType<XText>().Remove();
        ApplyChildren(target, edit, inherited);
    }

    /// <summary>
    /// A new, empty element like <paramref name="edit"/>: its attributes without <c>nc:operation</c>,
    /// plus every prefix declared above it in the request that is not in scope where it lands, so
    /// that values such as <c>cisco-ios-cli-6.42:cisco-ios-cli-6.42</c> (an identityref) keep their meaning.
    /// </summary>
    private static XElement ShellOf(XElement edit, XElement parent)
    {
        var shell = new XElement(edit.Name, edit.Attributes().Where(a => a.Name != ConfigNamespaces.Operation && !DeclaresNetconf(a)));
        foreach (var ancestor in edit.Ancestors())
        {
            foreach (var declaration in ancestor.Attributes().Where(a => a.Name.Namespace == XNamespace.Xmlns && !DeclaresNetconf(a)))
            {
                var prefix = declaration.Name.LocalName;
                if (shell.Attribute(declaration.Name) is null && parent.GetNamespaceOfPrefix(prefix)?.NamespaceName != declaration.Value)
                {
                    shell.Add(new XAttribute(declaration));
                }
            }
        }

        return shell;
    }

    private static bool DeclaresNetconf(XAttribute attribute) =>
        attribute.IsNamespaceDeclaration && attribute.Value == ConfigNamespaces.Netconf.NamespaceName;

    /// <summary>Sample output: <c>/devices/device[name='ce0']/address</c>.</summary>
    private string PathOf(XElement edit)
    {
        var steps = new List<string>();
        for (var element = edit; element is not null && element != _config; element = element.Parent)
        {
            var step = new StringBuilder(element.Name.LocalName);
            if (element.HasElements && ListEntryKey.Of(element) is { } key)
            {
                step.Append('[').Append(key.Name.LocalName).Append("='").Append(key.Value.Trim()).Append("']");
            }

            steps.Add(step.ToString());
        }

        steps.Reverse();
        return "/" + string.Join('/', steps);
    }
}
