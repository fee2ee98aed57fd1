using System.Xml.Linq;

namespace NsoDev.Simulator.Cli;

/// <summary>
/// An action's output as NSO's C-style CLI prints it (NSO-NOTES §11): a leaf is <c>name value</c>, and an
/// element with children opens <c>name {</c>, its children four spaces in, and closes with <c>}</c>.
/// </summary>
/// <example>
/// <code>
/// sync-result {
///     device d0
///     result true
/// }
/// </code>
/// </example>
internal static class ActionOutputRenderer
{
    public static IReadOnlyList<string> Render(IEnumerable<XElement> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = new List<string>();
        foreach (var element in output)
        {
            Render(element, 0, lines);
        }

        return lines;
    }

    private static void Render(XElement element, int depth, List<string> lines)
    {
        var indent = new string(' ', depth * 4);
        if (!element.HasElements)
        {
            lines.Add($"{indent}{element.Name.LocalName} {element.Value.Trim()}".TrimEnd());
            return;
        }

        lines.Add($"{indent}{element.Name.LocalName} {{");
        foreach (var child in element.Elements())
        {
            Render(child, depth + 1, lines);
        }

        lines.Add(indent + "}");
    }
}
