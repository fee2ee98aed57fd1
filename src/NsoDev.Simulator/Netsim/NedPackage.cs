using System.Xml;
using System.Xml.Linq;

namespace NsoDev.Simulator.Netsim;

/// <summary>How NSO talks to a NED's devices: the element under <c>component/ned</c> in package-meta-data.xml.</summary>
internal enum NedType
{
    Netconf,
    Cli,
    Generic,
    Snmp,
}

/// <summary>
/// A NED package that netsim can simulate (NSO-NOTES §10): a directory with
/// <c>package-meta-data.xml</c> and a <c>netsim/</c> folder. Sample meta-data:
/// <code>
/// &lt;ncs-package xmlns="http://tail-f.com/ns/ncs-packages"&gt;
///   &lt;name&gt;router-nc&lt;/name&gt; ...
///   &lt;component&gt;&lt;name&gt;router&lt;/name&gt;
///     &lt;ned&gt;&lt;netconf&gt;&lt;ned-id xmlns:id="http://tail-f.com/ns/ned-id/router-nc-1.1"&gt;id:router-nc-1.1&lt;/ned-id&gt;&lt;/netconf&gt;&lt;/ned&gt;
///   &lt;/component&gt;
/// &lt;/ncs-package&gt;
/// </code>
/// </summary>
internal sealed class NedPackage
{
    public const string MetaDataFile = "package-meta-data.xml";
    public const string NetsimFolder = "netsim";

    private static readonly XNamespace Packages = "http://tail-f.com/ns/ncs-packages";

    private NedPackage(string directory, string name, NedType type, XElement nedId)
    {
        Directory = directory;
        Name = name;
        Type = type;
        NedId = nedId;
    }

    /// <summary>The package directory, absolute.</summary>
    public string Directory { get; }

    public string Name { get; }

    public NedType Type { get; }

    /// <summary>The <c>ned-id</c> element with the namespace of its prefix, outside the packages namespace.</summary>
    public XElement NedId { get; }

    public string NetsimDirectory => Path.Combine(Directory, NetsimFolder);

    /// <summary>The init XML a new device's CDB starts with: every <c>netsim/*.xml</c>.</summary>
    public IReadOnlyList<string> InitFiles =>
        [.. System.IO.Directory.EnumerateFiles(NetsimDirectory, "*.xml").Order(StringComparer.Ordinal)];

    /// <summary>The package's own <c>confd.conf*.netsim</c> templates, if it has any.</summary>
    public IReadOnlyList<string> ConfTemplates =>
        [.. System.IO.Directory.EnumerateFiles(NetsimDirectory, "confd.conf*.netsim").Order(StringComparer.Ordinal)];

    /// <summary>Reads the package a command line names, relative to <paramref name="workingDirectory"/>.</summary>
    /// <exception cref="NetsimException">No such directory, no netsim/, no or a bad package-meta-data.xml, no NED.</exception>
    public static NedPackage Load(string package, string workingDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(package);
        var directory = Path.GetFullPath(package, workingDirectory).TrimEnd(Path.DirectorySeparatorChar);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new NetsimException(
                $"The NED package called <{package}> does not exist ({directory} is not a directory); " +
                "give the path of a package directory (one holding package-meta-data.xml and netsim/), such as samples/packages/router-nc");
        }

        if (!System.IO.Directory.Exists(Path.Combine(directory, NetsimFolder)))
        {
            throw new NetsimException(
                $"The NED package called <{package}> doesn't have a netsim directory ({Path.Combine(directory, NetsimFolder)}); " +
                "netsim cannot emulate devices that do not have one: add a netsim/ folder with the device's init XML, or use a package that has one");
        }

        var metaData = Path.Combine(directory, MetaDataFile);
        XElement root;
        try
        {
            root = XElement.Load(metaData);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
        {
            throw new NetsimException(
                $"The NED package called <{package}> has no readable {MetaDataFile} ({metaData}: {e.Message}); " +
                "every NSO package needs one, with component/ned/netconf/ned-id for a NETCONF NED", e);
        }

        var ns = root.Name.Namespace == XNamespace.None ? XNamespace.None : Packages;
        var name = root.Element(ns + "name")?.Value.Trim() ?? Path.GetFileName(directory);
        var ned = root.Elements(ns + "component").Elements(ns + "ned").FirstOrDefault();
        var typed = ned?.Elements().FirstOrDefault(e => TypeOf(e.Name.LocalName) is not null);
        var nedId = typed?.Element(ns + "ned-id");
        if (typed is null || nedId is null || nedId.Value.Trim().Length == 0)
        {
            throw new NetsimException(
                $"The package <{package}> is not a NED package: {metaData} has no component/ned/(netconf|cli|generic|snmp)/ned-id; " +
                "give a NED package, or add the ned element to its meta-data");
        }

        return new NedPackage(directory, name, TypeOf(typed.Name.LocalName)!.Value, WithoutPackagesNamespace(nedId));
    }

    private static NedType? TypeOf(string localName) => localName switch
    {
        "netconf" => NedType.Netconf,
        "cli" => NedType.Cli,
        "generic" => NedType.Generic,
        "snmp" => NedType.Snmp,
        _ => null,
    };

    // ncs-xml-init copies the ned-id element into NSO's namespace, keeping the prefix its value uses.
    private static XElement WithoutPackagesNamespace(XElement nedId)
    {
        var value = nedId.Value.Trim();
        var copy = new XElement(Ncs.Namespace + "ned-id", value);
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && nedId.GetNamespaceOfPrefix(value[..colon]) is { } prefixNamespace)
        {
            copy.Add(new XAttribute(XNamespace.Xmlns + value[..colon], prefixNamespace.NamespaceName));
        }

        return copy;
    }

    /// <summary>NSO's own namespace, which ncs-xml-init writes in.</summary>
    internal static class Ncs
    {
        public static readonly XNamespace Namespace = "http://tail-f.com/ns/ncs";
    }
}
