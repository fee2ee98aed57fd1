using System.Xml.Linq;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Netconf;

/// <summary>The NETCONF base namespace and the capability URIs nso-sim advertises (and only those it honours).</summary>
internal static class NetconfXml
{
    public const string Base = "urn:ietf:params:xml:ns:netconf:base:1.0";

    public const string Base10 = "urn:ietf:params:netconf:base:1.0";

    public const string Base11 = "urn:ietf:params:netconf:base:1.1";

    public const string WritableRunning = "urn:ietf:params:netconf:capability:writable-running:1.0";

    public static XNamespace Ns => ConfigNamespaces.Netconf;

    /// <summary>No :candidate, :startup, :xpath, :url or :validate: nso-sim does not do them.</summary>
    public static IReadOnlyList<string> ServerCapabilities { get; } = [Base10, Base11, WritableRunning];
}
