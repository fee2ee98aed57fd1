using System.Net;
using System.Xml;
using System.Xml.Linq;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// Reads ncs.conf (NSO-FACTS section 1). Sample of what it reads:
/// <code>
/// &lt;ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config"&gt;
///   &lt;load-path&gt;&lt;dir&gt;./packages&lt;/dir&gt;&lt;/load-path&gt;
///   &lt;state-dir&gt;./state&lt;/state-dir&gt;
///   &lt;cdb&gt;&lt;db-dir&gt;./ncs-cdb&lt;/db-dir&gt;&lt;/cdb&gt;
///   &lt;ncs-ipc-address&gt;&lt;ip&gt;127.0.0.1&lt;/ip&gt;&lt;port&gt;4569&lt;/port&gt;&lt;/ncs-ipc-address&gt;
///   &lt;cli&gt;&lt;ssh&gt;&lt;enabled&gt;true&lt;/enabled&gt;&lt;port&gt;${CLI_PORT:-2024}&lt;/port&gt;&lt;/ssh&gt;&lt;/cli&gt;
/// &lt;/ncs-config&gt;
/// </code>
/// Unknown elements are ignored; <c>ncs.conf.d/*.conf</c> fragments are not merged yet.
/// </summary>
internal static class NcsConfParser
{
    public const string Namespace = "http://tail-f.com/yang/tailf-ncs-config";

    /// <param name="path">The file; relative paths are taken from <paramref name="runDirectory"/>.</param>
    /// <param name="runDirectory">The <c>--cd</c> directory: relative paths inside the file start here.</param>
    /// <param name="getVariable">The environment, for <c>${VAR}</c>.</param>
    /// <exception cref="NcsConfException">The file cannot be read or is not a valid ncs.conf.</exception>
    public static NcsConf Load(string path, string runDirectory, Func<string, string?> getVariable)
    {
        var file = Path.GetFullPath(path, runDirectory);
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NcsConfException($"{file}: cannot read the file: {e.Message}", e);
        }

        return Parse(text, file, runDirectory, getVariable);
    }

    public static NcsConf Parse(string xml, string file, string runDirectory, Func<string, string?> getVariable)
    {
        var leaves = new NcsConfLeaves(LoadRoot(xml, file), file, runDirectory, getVariable);
        if (leaves.Bool("ncs-local-ipc/enabled", false))
        {
            throw leaves.Error("ncs-local-ipc/enabled", "local IPC (a Unix socket) is not simulated yet; set it to false and use ncs-ipc-address");
        }

        var netconf = leaves.Bool("netconf-north-bound/enabled", true);
        return new NcsConf(
            file,
            leaves.Listener("ipc", "ncs-ipc-address", true, IPAddress.Loopback, 4569),
            leaves.Listener("netconf-ssh", "netconf-north-bound/transport/ssh", netconf, IPAddress.Any, 2022),
            leaves.Listener("netconf-tcp", "netconf-north-bound/transport/tcp", netconf, IPAddress.Any, 2023, enabledByDefault: false),
            leaves.Listener("cli-ssh", "cli/ssh", leaves.Bool("cli/enabled", true), IPAddress.Any, 2024),
            leaves.Listener("webui", "webui/transport/tcp", leaves.Bool("webui/enabled", false), IPAddress.Any, 8008),
            leaves.RequiredPaths("load-path", "dir"),
            leaves.RequiredPath("state-dir"),
            leaves.RequiredPath("cdb/db-dir"),
            new NcsLogConf(
                leaves.Bool("logs/ncs-log/enabled", true),
                leaves.Bool("logs/ncs-log/file/enabled", true),
                leaves.Path("logs/ncs-log/file/name", "./logs/ncs.log"),
                leaves.Bool("logs/ncs-log/stdout/enabled", false)));
    }

    private static XElement LoadRoot(string xml, string file)
    {
        XDocument document;
        try
        {
            // No DTDs: ncs.conf never has one, and a DTD could pull in other files.
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new NcsConfException($"{file}:{e.LineNumber}: not well-formed XML: {e.Message}", e);
        }

        var root = document.Root!;
        var ns = root.Name.NamespaceName;
        if (root.Name.LocalName != "ncs-config" || (ns != Namespace && ns != Namespace + "/1.0"))
        {
            throw NcsConfException.At(
                file,
                ((IXmlLineInfo)root).LineNumber,
                $"<{root.Name.LocalName} xmlns=\"{ns}\">",
                $"the root element must be <ncs-config xmlns=\"{Namespace}\">");
        }

        return root;
    }
}
