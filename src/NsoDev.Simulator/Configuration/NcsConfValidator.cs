using System.Xml;
using System.Xml.Linq;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// Checks one ncs.conf file (the main one or a fragment) against <see cref="NcsConfSchema"/> for
/// the simulated NSO release: elements the release lacks, repeated leaves and badly typed values
/// are errors that name the file, the line, the element and, for an element of other releases,
/// those releases (docs/NSO-NOTES.md §1). Sample errors:
/// <code>
/// /run/cfs/ncs.conf:12: /ncs-config/snmp-agent: unknown element in NSO 6.5; no NSO release (6.1 to 6.7) has it in ncs.conf; check the name against ncs.conf(5) or remove it
/// /run/cfs/ncs.conf:3: /ncs-config/ncs-local-ipc: unknown element in NSO 6.3 (it came in 6.4); remove it, or simulate NSO 6.4 or later with NSO_SIM_VERSION
/// </code>
/// </summary>
internal sealed class NcsConfValidator(string file, NsoVersion version, Func<string, string?> getVariable)
{
    public void Validate(XElement root) => ValidateChildren(root, NcsConfSchema.Root);

    private void ValidateChildren(XElement element, NcsConfNode node)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in element.Elements())
        {
            var childPath = node.Path + "/" + child.Name.LocalName;
            if (child.Name.Namespace != element.Name.Namespace)
            {
                throw Error(child, childPath, $"unknown element: its namespace \"{child.Name.NamespaceName}\" is not ncs.conf's \"{element.Name.NamespaceName}\"");
            }

            var childNode = node.Child(child.Name.LocalName)
                ?? throw Error(child, childPath, $"unknown element in NSO {version}; no NSO release ({NcsConfSchema.ReleaseSpan}) has it in ncs.conf; check the name against ncs.conf(5) or remove it");
            var shape = childNode.In(version.Release) ?? throw Error(child, childPath, NotInRelease(childNode));

            if (!shape.Many && !seen.Add(childNode.Name))
            {
                throw Error(child, childPath, "given twice; keep one");
            }

            if (shape.IsLeaf)
            {
                ValidateLeaf(child, shape, childPath);
            }
            else
            {
                ValidateChildren(child, childNode);
            }
        }
    }

    private string NotInRelease(NcsConfNode node)
    {
        var first = node.FirstRelease;
        if (first > version.Release)
        {
            return $"unknown element in NSO {version} (it came in {first}); remove it, or simulate NSO {first} or later with {NsoVersion.EnvironmentVariable}";
        }

        return $"unknown element in NSO {version} (only NSO {node.Releases} have it); remove it, or simulate one of those with {NsoVersion.EnvironmentVariable}";
    }

    private void ValidateLeaf(XElement leaf, NcsConfShape shape, string path)
    {
        if (leaf.Elements().FirstOrDefault() is { } inner)
        {
            throw Error(inner, path + "/" + inner.Name.LocalName, $"unknown element; {path} is a leaf and holds a value, not elements");
        }

        var text = Substitute(leaf, path);
        if (shape.Type?.Problem(text) is { } problem)
        {
            throw Error(leaf, path, problem);
        }
    }

    private string Substitute(XElement leaf, string path)
    {
        try
        {
            return NcsConfVariables.Substitute(leaf.Value, getVariable).Trim();
        }
        catch (FormatException e)
        {
            throw Error(leaf, path, e.Message);
        }
    }

    private NcsConfException Error(XElement element, string path, string problem) =>
        NcsConfException.At(file, ((IXmlLineInfo)element).LineNumber, path, problem);
}
