using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>The XML namespaces the data store gives a meaning to; every other namespace is just data.</summary>
internal static class ConfigNamespaces
{
    /// <summary>NETCONF base: the <c>operation</c> attribute of edit-config (RFC 6241 section 7.2).</summary>
    public static readonly XNamespace Netconf = "urn:ietf:params:xml:ns:netconf:base:1.0";

    /// <summary>The wrapper of CDB init files and of A.cdb: <c>&lt;config xmlns="http://tail-f.com/ns/config/1.0"&gt;</c>.</summary>
    public static readonly XNamespace TailfConfig = "http://tail-f.com/ns/config/1.0";

    /// <summary>The daemon's read-only state that <c>&lt;get&gt;</c> adds to the configuration.</summary>
    public static readonly XNamespace NcsState = "http://tail-f.com/ns/ncs-state";

    public static readonly XName ConfigWrapper = TailfConfig + "config";

    public static readonly XName Operation = Netconf + "operation";
}
