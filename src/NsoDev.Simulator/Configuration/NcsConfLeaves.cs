using System.Net;
using System.Xml;
using System.Xml.Linq;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// Typed leaf values under the ncs-config root, looked up by paths such as <c>cli/ssh/port</c>.
/// Values get <c>${VAR}</c> substitution and are checked against their YANG types
/// (<see cref="NcsConfValues"/>); a bad one is reported with the file and line it is on, which
/// is a fragment's when the element came from <c>ncs.conf.d</c>.
/// </summary>
internal sealed class NcsConfLeaves(XElement root, string file, string runDirectory, Func<string, string?> getVariable)
{
    private readonly XNamespace _ns = root.Name.Namespace;

    public ListenerConf Listener(string name, string confPath, bool serviceEnabled, IPAddress ip, int port, bool enabledByDefault = true) =>
        new(
            name,
            confPath,
            serviceEnabled && Bool(confPath + "/enabled", enabledByDefault),
            Address(confPath + "/ip", ip),
            Port(confPath + "/port", port));

    public bool Exists(string path) => Find(path) is not null;

    public bool Bool(string path, bool defaultValue) =>
        Typed(path, NcsConfType.Bool, defaultValue, (string text, out bool value) => NcsConfValues.TryBool(text, out value));

    public int Port(string path, int defaultValue) =>
        Typed(path, NcsConfType.Port, defaultValue, NcsConfValues.TryPort);

    public IPAddress Address(string path, IPAddress defaultValue) =>
        Typed(path, NcsConfType.IpAddress, defaultValue, NcsConfValues.TryIpAddress);

    /// <summary>Every value of a leaf-list such as <c>ncs-ipc-extra-listen-ip</c>, in file order.</summary>
    public IReadOnlyList<IPAddress> Addresses(string path)
    {
        var (parent, leaf) = Split(path);
        return Find(parent)?.Elements(_ns + leaf)
            .Select(e => NcsConfValues.TryIpAddress(Text(e, path), out var address)
                ? address
                : throw ErrorAt(e, path, NcsConfValues.Problem(NcsConfType.IpAddress, Text(e, path))!))
            .ToList() ?? [];
    }

    /// <summary>A file or directory, absolute; an empty element is an error rather than the run directory.</summary>
    public string Path(string path, string defaultValue) =>
        Value(path) switch
        {
            null => System.IO.Path.GetFullPath(defaultValue, runDirectory),
            "" => throw Error(path, "empty; give a path, or leave the element out"),
            var value => System.IO.Path.GetFullPath(value, runDirectory),
        };

    public string RequiredPath(string path) =>
        Value(path) is { Length: > 0 } value
            ? System.IO.Path.GetFullPath(value, runDirectory)
            : throw Missing(path);

    public IReadOnlyList<string> RequiredPaths(string path) =>
        Paths(path) is { Count: > 0 } paths ? paths : throw Missing(path);

    /// <summary>Every value of a leaf-list of paths such as <c>cdb/init-path/dir</c>, absolute, in file order; empty when absent.</summary>
    public IReadOnlyList<string> Paths(string path)
    {
        var (parent, leaf) = Split(path);
        return Find(parent)?.Elements(_ns + leaf)
            .Select(e => System.IO.Path.GetFullPath(Text(e, path), runDirectory))
            .ToList() ?? [];
    }

    /// <summary>A leaf NSO requires only when its parent container is there (NSO-NOTES §1).</summary>
    public void RequireWithParent(string path)
    {
        var (parent, _) = Split(path);
        if (Find(parent) is { } container && Value(path) is not { Length: > 0 })
        {
            throw ErrorAt(container, "/ncs-config/" + path, $"missing; NSO requires it whenever /ncs-config/{parent} is given");
        }
    }

    public NcsConfException Error(string path, string problem) => ErrorAt(Find(path) ?? root, "/ncs-config/" + path, problem);

    private NcsConfException Missing(string path) =>
        NcsConfException.At(file, LineOf(root), "/ncs-config/" + path, "missing; NSO requires it (ncs-setup writes it)");

    private T Typed<T>(string path, NcsConfType type, T defaultValue, TryParse<T> parse)
    {
        var text = Value(path);
        if (text is null)
        {
            return defaultValue;
        }

        return parse(text, out var value) ? value : throw Error(path, NcsConfValues.Problem(type, text)!);
    }

    /// <summary>A leaf's text after <c>${VAR}</c> substitution, trimmed; null when absent.</summary>
    public string? Value(string path) => Find(path) is { } element ? Text(element, path) : null;

    /// <summary>Every element at <paramref name="path"/> (a list's entries, a leaf-list's values), in file order.</summary>
    public IReadOnlyList<XElement> Elements(string path)
    {
        var (parent, leaf) = Split(path);
        return Find(parent)?.Elements(_ns + leaf).ToList() ?? [];
    }

    /// <summary>One element's text after <c>${VAR}</c> substitution, trimmed.</summary>
    public string TextOf(XElement element, string path) => Text(element, path);

    /// <summary>A child leaf's text of one list entry, or null.</summary>
    public string? ChildText(XElement entry, string child, string path) =>
        entry.Element(_ns + child) is { } element ? Text(element, path + "/" + child) : null;

    /// <summary>An error at <paramref name="element"/>'s file and line.</summary>
    public NcsConfException ErrorAtElement(XElement element, string path, string problem) => ErrorAt(element, path, problem);

    private string Text(XElement element, string path)
    {
        try
        {
            return NcsConfVariables.Substitute(element.Value, getVariable).Trim();
        }
        catch (FormatException e)
        {
            throw ErrorAt(element, "/ncs-config/" + path, e.Message);
        }
    }

    private XElement? Find(string path)
    {
        var element = root;
        if (path.Length == 0)
        {
            return element;
        }

        foreach (var step in path.Split('/'))
        {
            element = element.Element(_ns + step);
            if (element is null)
            {
                return null;
            }
        }

        return element;
    }

    private NcsConfException ErrorAt(XElement element, string path, string problem) =>
        NcsConfException.At(NcsConfSource.FileOf(element, file), LineOf(element), path, problem);

    private static (string Parent, string Leaf) Split(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? (string.Empty, path) : (path[..slash], path[(slash + 1)..]);
    }

    private static int LineOf(XElement element) => ((IXmlLineInfo)element).LineNumber;

    private delegate bool TryParse<T>(string text, out T value);
}
