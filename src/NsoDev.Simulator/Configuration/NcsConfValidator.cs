using System.Xml;
using System.Xml.Linq;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// Checks one ncs.conf file (the main one or a fragment) against <see cref="NcsConfSchema"/> for
/// the simulated NSO version: unknown elements, repeated leaves and badly typed values are
/// errors that name the file, the line and the element. Sample error:
/// <c>/run/cfs/ncs.conf:12: /ncs-config/cli/shh: unknown element; check the name against ncs.conf(5) or remove it</c>.
/// </summary>
internal sealed class NcsConfValidator(string file, NsoVersion version, Func<string, string?> getVariable)
{
    public void Validate(XElement root) => ValidateChildren(root, NcsConfSchema.Root, "/ncs-config");

    private void ValidateChildren(XElement element, NcsConfNode node, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in element.Elements())
        {
            var childPath = path + "/" + child.Name.LocalName;
            var childNode = child.Name.Namespace == element.Name.Namespace ? node.Child(child.Name.LocalName) : null;
            if (childNode is null)
            {
                if (node.Open && child.Name.Namespace == element.Name.Namespace)
                {
                    continue;
                }

                throw Error(child, childPath, "unknown element; check the name against ncs.conf(5) or remove it");
            }

            if (!childNode.ExistsIn(version))
            {
                throw Error(
                    child,
                    childPath,
                    $"unknown element in NSO {version} (it came in {childNode.Since}); remove it, or simulate a newer NSO with {NsoVersion.EnvironmentVariable}");
            }

            if (!childNode.Many && !seen.Add(childNode.Name))
            {
                throw Error(child, childPath, "given twice; keep one");
            }

            if (childNode.IsLeaf)
            {
                ValidateLeaf(child, childNode, childPath);
            }
            else
            {
                ValidateChildren(child, childNode, childPath);
            }
        }
    }

    private void ValidateLeaf(XElement leaf, NcsConfNode node, string path)
    {
        if (leaf.Elements().FirstOrDefault() is { } inner)
        {
            throw Error(inner, path + "/" + inner.Name.LocalName, $"unknown element; {path} is a leaf and holds a value, not elements");
        }

        if (NcsConfValues.Problem(node.Type, Substitute(leaf, path)) is { } problem)
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
