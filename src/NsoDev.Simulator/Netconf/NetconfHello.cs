using System.Globalization;
using System.Xml.Linq;

namespace NsoDev.Simulator.Netconf;

/// <summary>
/// The hello exchange (RFC 6241 section 8.1). The server's hello, sent first, in end-of-message
/// framing:
/// <code>
/// &lt;hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"&gt;&lt;capabilities&gt;
///   &lt;capability&gt;urn:ietf:params:netconf:base:1.0&lt;/capability&gt; ...
/// &lt;/capabilities&gt;&lt;session-id&gt;12&lt;/session-id&gt;&lt;/hello&gt;]]&gt;]]&gt;
/// </code>
/// </summary>
internal static class NetconfHello
{
    public static XElement ForServer(uint sessionId) =>
        new(
            NetconfXml.Ns + "hello",
            new XElement(NetconfXml.Ns + "capabilities", NetconfXml.ServerCapabilities.Select(c => new XElement(NetconfXml.Ns + "capability", c))),
            new XElement(NetconfXml.Ns + "session-id", sessionId.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Reads the client's hello; <paramref name="problem"/> says why the session must end when false.</summary>
    public static bool TryParseClient(XElement hello, out IReadOnlySet<string> capabilities, out string problem)
    {
        ArgumentNullException.ThrowIfNull(hello);
        capabilities = new HashSet<string>(StringComparer.Ordinal);
        if (hello.Name != NetconfXml.Ns + "hello")
        {
            problem = $"the first message is <{hello.Name.LocalName}>, not a <hello> in {NetconfXml.Base}";
            return false;
        }

        if (hello.Element(NetconfXml.Ns + "session-id") is not null)
        {
            problem = "the client's hello contains a session-id, which RFC 6241 section 8.1 forbids";
            return false;
        }

        var set = hello.Elements(NetconfXml.Ns + "capabilities").Elements(NetconfXml.Ns + "capability")
            .Select(c => c.Value.Trim())
            .ToHashSet(StringComparer.Ordinal);
        capabilities = set;
        if (!set.Contains(NetconfXml.Base10) && !set.Contains(NetconfXml.Base11))
        {
            problem = $"the client's hello advertises neither {NetconfXml.Base10} nor {NetconfXml.Base11}";
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
