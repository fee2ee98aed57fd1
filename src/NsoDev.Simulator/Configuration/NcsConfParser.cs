using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using NsoDev.Ipc;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// Reads ncs.conf and its <c>ncs.conf.d/*.conf</c> fragments (docs/NSO-NOTES.md §1) for one
/// simulated NSO version. Sample of what it reads:
/// <code>
/// &lt;ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config"&gt;
///   &lt;load-path&gt;&lt;dir&gt;./packages&lt;/dir&gt;&lt;/load-path&gt;
///   &lt;state-dir&gt;./state&lt;/state-dir&gt;
///   &lt;cdb&gt;&lt;db-dir&gt;./ncs-cdb&lt;/db-dir&gt;&lt;/cdb&gt;
///   &lt;ncs-ipc-address&gt;&lt;ip&gt;127.0.0.1&lt;/ip&gt;&lt;port&gt;4569&lt;/port&gt;&lt;/ncs-ipc-address&gt;
///   &lt;cli&gt;&lt;ssh&gt;&lt;enabled&gt;true&lt;/enabled&gt;&lt;port&gt;${CLI_PORT:-2024}&lt;/port&gt;&lt;/ssh&gt;&lt;/cli&gt;
/// &lt;/ncs-config&gt;
/// </code>
/// Each file is checked on its own against <see cref="NcsConfSchema"/> (so errors name the right
/// file and line), then the fragments are merged in and the values are read.
/// </summary>
internal static class NcsConfParser
{
    public const string Namespace = "http://tail-f.com/yang/tailf-ncs-config";

    /// <param name="path">The file; relative paths are taken from <paramref name="runDirectory"/>.</param>
    /// <param name="runDirectory">The <c>--cd</c> directory: relative paths inside the file start here.</param>
    /// <param name="getVariable">The environment, for <c>${VAR}</c>.</param>
    /// <param name="version">The simulated NSO release; it decides which elements exist. Default 6.5.</param>
    /// <exception cref="NcsConfException">A file cannot be read or is not a valid ncs.conf.</exception>
    public static NcsConf Load(string path, string runDirectory, Func<string, string?> getVariable, NsoVersion? version = null)
    {
        version ??= NsoVersion.Default;
        var file = Path.GetFullPath(path, runDirectory);
        var root = LoadRoot(Read(file), file, version, getVariable);
        foreach (var fragment in NcsConfFragments.For(file))
        {
            NcsConfFragments.Merge(root, LoadRoot(Read(fragment), fragment, version, getVariable), fragment, version.Release);
        }

        return Build(root, file, runDirectory, getVariable, version);
    }

    /// <summary>One file's text, without fragments.</summary>
    public static NcsConf Parse(string xml, string file, string runDirectory, Func<string, string?> getVariable, NsoVersion? version = null)
    {
        version ??= NsoVersion.Default;
        return Build(LoadRoot(xml, file, version, getVariable), file, runDirectory, getVariable, version);
    }

    private static NcsConf Build(XElement root, string file, string runDirectory, Func<string, string?> getVariable, NsoVersion version)
    {
        var leaves = new NcsConfLeaves(root, file, runDirectory, getVariable);
        leaves.RequireWithParent("ncs-ipc-access-check/filename");
        leaves.RequireWithParent("rollback/directory");
        leaves.RequireWithParent("ha-raft/listen/node-address");

        var netconf = leaves.Bool("netconf-north-bound/enabled", true);
        return new NcsConf(
            file,
            leaves.Listener("ipc", "ncs-ipc-address", true, IPAddress.Loopback, 4569),
            leaves.Addresses("ncs-ipc-extra-listen-ip"),
            LocalIpc(leaves, version),
            new IpcAccessCheckConf(
                leaves.Bool("ncs-ipc-access-check/enabled", false),
                leaves.Exists("ncs-ipc-access-check/filename") ? leaves.Path("ncs-ipc-access-check/filename", string.Empty) : null),
            leaves.Listener("netconf-ssh", "netconf-north-bound/transport/ssh", netconf, IPAddress.Any, 2022),
            leaves.Listener("netconf-tcp", "netconf-north-bound/transport/tcp", netconf, IPAddress.Any, 2023, enabledByDefault: false),
            leaves.Listener("cli-ssh", "cli/ssh", leaves.Bool("cli/enabled", true), IPAddress.Any, 2024),
            leaves.Listener("webui", "webui/transport/tcp", leaves.Bool("webui/enabled", false), IPAddress.Any, 8008),
            leaves.RequiredPaths("load-path/dir"),
            leaves.RequiredPath("state-dir"),
            leaves.RequiredPath("cdb/db-dir"),
            leaves.Exists("aaa/ssh-server-key-dir") ? leaves.Path("aaa/ssh-server-key-dir", string.Empty) : null,
            new NcsLogsConf(
                Log(leaves, "logs/ncs-log", "./logs/ncs.log", enabledByDefault: true),
                Log(leaves, "logs/developer-log", "./logs/devel.log", enabledByDefault: true),
                Log(leaves, "logs/audit-log", "./logs/audit.log", enabledByDefault: true),
                Log(leaves, "logs/netconf-log", "./logs/netconf.log", enabledByDefault: false)))
        {
            CdbInitPath = leaves.Paths("cdb/init-path/dir"),
            HaRaft = HaRaft.RaftConfReader.Read(leaves, version),
            HaPrimaryListen = HaRaft.RaftConfReader.PrimaryListen(leaves),
        };
    }

    /// <summary>
    /// Off by default in 6.4 to 6.6 and on in 6.7 (docs/NSO-NOTES.md §1); before 6.4 the schema
    /// check has already refused the element. Sample: <c>&lt;ncs-local-ipc&gt;&lt;enabled&gt;true&lt;/enabled&gt;&lt;path&gt;/tmp/nso/nso-ipc1&lt;/path&gt;&lt;/ncs-local-ipc&gt;</c>.
    /// </summary>
    private static LocalIpcConf LocalIpc(NcsConfLeaves leaves, NsoVersion version)
    {
        var path = leaves.Path("ncs-local-ipc/path", LocalIpcConf.DefaultPath);
        var length = Encoding.UTF8.GetByteCount(path);
        if (length > IpcEndpoint.MaxUnixPathBytes)
        {
            throw leaves.Error(
                "ncs-local-ipc/path",
                $"\"{path}\" is {length} bytes; a Unix socket path holds at most {IpcEndpoint.MaxUnixPathBytes}; choose a shorter path");
        }

        return new LocalIpcConf(leaves.Bool("ncs-local-ipc/enabled", version.Release >= NsoRelease.LocalIpcOnByDefault), path);
    }

    /// <summary>Defaults are inferred: the stock ncs.conf spells every one of these out.</summary>
    private static NcsLogConf Log(NcsConfLeaves leaves, string confPath, string defaultFile, bool enabledByDefault) =>
        new(
            leaves.Bool(confPath + "/enabled", enabledByDefault),
            leaves.Bool(confPath + "/file/enabled", true),
            leaves.Path(confPath + "/file/name", defaultFile),
            confPath);

    private static string Read(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NcsConfException($"{file}: cannot read the file: {e.Message}", e);
        }
    }

    private static XElement LoadRoot(string xml, string file, NsoVersion version, Func<string, string?> getVariable)
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

        new NcsConfValidator(file, version, getVariable).Validate(root);
        return root;
    }
}
