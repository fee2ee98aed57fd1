using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Xml;
using System.Xml.Linq;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// Typed leaf values under the ncs-config root, looked up by paths such as <c>cli/ssh/port</c>.
/// Values get <c>${VAR}</c> substitution and are checked against their YANG types; a bad one
/// is reported with the line it is on.
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

    public bool Bool(string path, bool defaultValue) =>
        Value(path) switch
        {
            null => defaultValue,
            "true" => true,
            "false" => false,
            var other => throw Error(path, $"\"{other}\" is not a boolean; write true or false"),
        };

    public int Port(string path, int defaultValue)
    {
        var text = Value(path);
        if (text is null)
        {
            return defaultValue;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort
            ? port
            : throw Error(path, $"\"{text}\" is not a port number (0..65535)");
    }

    public IPAddress Address(string path, IPAddress defaultValue)
    {
        var text = Value(path);
        if (text is null)
        {
            return defaultValue;
        }

        // IPAddress.TryParse also takes shorthands such as "1" (0.0.0.1); inet:ip-address does not.
        var dotted = text.Count(c => c == '.') == 3;
        return IPAddress.TryParse(text, out var address)
            && (address.AddressFamily == AddressFamily.InterNetworkV6 || dotted)
            ? address
            : throw Error(path, $"\"{text}\" is not an IP address");
    }

    public string Path(string path, string defaultValue) =>
        System.IO.Path.GetFullPath(Value(path) ?? defaultValue, runDirectory);

    public string RequiredPath(string path) =>
        Value(path) is { Length: > 0 } value
            ? System.IO.Path.GetFullPath(value, runDirectory)
            : throw Missing(path);

    public IReadOnlyList<string> RequiredPaths(string containerPath, string leaf)
    {
        var container = Find(containerPath);
        var paths = container?.Elements(_ns + leaf)
            .Select(e => System.IO.Path.GetFullPath(Text(e, containerPath + "/" + leaf), runDirectory))
            .ToList();
        return paths is { Count: > 0 } ? paths : throw Missing(containerPath + "/" + leaf);
    }

    public NcsConfException Error(string path, string problem) =>
        NcsConfException.At(file, LineOf(Find(path) ?? root), "/ncs-config/" + path, problem);

    private NcsConfException Missing(string path) =>
        NcsConfException.At(file, LineOf(root), "/ncs-config/" + path, "missing; NSO requires it (ncs-setup writes it)");

    private string? Value(string path) => Find(path) is { } element ? Text(element, path) : null;

    private string Text(XElement element, string path)
    {
        try
        {
            return NcsConfVariables.Substitute(element.Value, getVariable).Trim();
        }
        catch (FormatException e)
        {
            throw NcsConfException.At(file, LineOf(element), "/ncs-config/" + path, e.Message);
        }
    }

    private XElement? Find(string path)
    {
        var element = root;
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

    private static int LineOf(XElement element) => ((IXmlLineInfo)element).LineNumber;
}
