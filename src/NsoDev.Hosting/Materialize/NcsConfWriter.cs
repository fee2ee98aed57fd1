using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using NsoDev.Hosting.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Materialize;

/// <summary>
/// Writes an instance's ncs.conf by editing the template's XML tree: only the per-instance leaves change,
/// and comments and unrelated settings stay as the template has them (docs/NSO-NOTES.md §1). The
/// template is the band of <see cref="NcsConfTemplate"/> that fits the engine's version.
/// </summary>
internal static class NcsConfWriter
{
    public static readonly XNamespace Ns = "http://tail-f.com/yang/tailf-ncs-config";

    /// <summary>Leaves NSO refuses to start without (docs/NSO-NOTES.md §1).</summary>
    private static readonly string[][] MandatoryLeaves = [["load-path", "dir"], ["state-dir"], ["cdb", "db-dir"]];

    /// <summary>Templates parsed and checked once per file version: every instance of a fleet usually shares one.</summary>
    private static readonly ConcurrentDictionary<string, (DateTime Written, long Length, XDocument Document)> Parsed = new(StringComparer.Ordinal);

    /// <summary>The template, parsed and checked; the caller gets a copy of its own.</summary>
    public static XDocument LoadTemplate(string path)
    {
        if (!File.Exists(path))
        {
            throw new NcsConfTemplateException($"The ncs.conf template '{path}' does not exist. Point WithTemplate at an ncs.conf or a template folder such as instance-templates/local-ipc, or rebuild the app host so that instance-templates/ is copied beside it.");
        }

        var file = new FileInfo(path);
        if (!Parsed.TryGetValue(file.FullName, out var parsed) || parsed.Written != file.LastWriteTimeUtc || parsed.Length != file.Length)
        {
            parsed = (file.LastWriteTimeUtc, file.Length, Parse(path));
            Parsed[file.FullName] = parsed;
        }

        lock (parsed.Document)
        {
            return new XDocument(parsed.Document);
        }
    }

    private static XDocument Parse(string path)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(path, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException ex)
        {
            throw new NcsConfTemplateException($"The ncs.conf template '{path}' is not well-formed XML ({ex.Message}). Fix the file or choose another template.");
        }

        var root = document.Root!;
        if (root.Name.LocalName != "ncs-config" || !root.Name.NamespaceName.StartsWith(Ns.NamespaceName, StringComparison.Ordinal))
        {
            throw new NcsConfTemplateException($"The template '{path}' is not an ncs.conf: its root is <{root.Name.LocalName} xmlns=\"{root.Name.NamespaceName}\">, not <ncs-config xmlns=\"{Ns.NamespaceName}\">. Choose an ncs.conf made by ncs-setup.");
        }

        foreach (var leaf in MandatoryLeaves)
        {
            if (Find(root, leaf) is null)
            {
                throw new NcsConfTemplateException($"The template '{path}' lacks the mandatory leaf /ncs-config/{string.Join('/', leaf)}; NSO would exit with code 21. Add it to the template.");
            }
        }

        return document;
    }

    public static XDocument Apply(XDocument template, NcsConfSettings settings)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(settings);
        var document = new XDocument(template);
        var root = document.Root!;
        var ns = root.Name.Namespace;

        WriteIpc(root, ns, settings.Ipc, settings.Version);
        Set(root, ns, ["ncs-ipc-access-check", "enabled"], Format(settings.AccessFile is not null));
        if (settings.AccessFile is not null)
        {
            Set(root, ns, ["ncs-ipc-access-check", "filename"], settings.AccessFile);
        }

        Set(root, ns, ["netconf-north-bound", "transport", "ssh", "enabled"], Format(settings.Netconf.Enabled));
        Set(root, ns, ["netconf-north-bound", "transport", "ssh", "ip"], settings.Netconf.Address);
        Set(root, ns, ["netconf-north-bound", "transport", "ssh", "port"], Format(settings.Netconf.Port));

        Set(root, ns, ["cli", "ssh", "enabled"], Format(settings.Cli.Enabled));
        Set(root, ns, ["cli", "ssh", "ip"], settings.Cli.Address);
        Set(root, ns, ["cli", "ssh", "port"], Format(settings.Cli.Port));

        Set(root, ns, ["webui", "enabled"], Format(settings.WebUi.Enabled));
        if (settings.WebUi.Enabled || Find(root, ["webui", "transport", "tcp"]) is not null)
        {
            Set(root, ns, ["webui", "transport", "tcp", "enabled"], Format(settings.WebUi.Enabled));
            Set(root, ns, ["webui", "transport", "tcp", "ip"], settings.WebUi.Address);
            Set(root, ns, ["webui", "transport", "tcp", "port"], Format(settings.WebUi.Port));
        }

        Set(root, ns, ["aaa", "ssh-server-key-dir"], settings.SshServerKeyDir);
        if (settings.Raft is not null)
        {
            // After the listeners, so that the leader's endpoints are checked against the node's own.
            RaftConfWriter.Write(root, settings.Raft, settings.Version);
        }

        return document;
    }

    /// <summary>
    /// Points the template's run-directory paths (<c>./state</c>, <c>./logs/ncs.log</c>) at fixed directories, for a
    /// daemon whose working directory is not its run directory, such as the one in Cisco's image
    /// (docs/NSO-NOTES.md §6): <c>./logs</c> goes to <paramref name="logDirectory"/>, every other <c>./X</c> under
    /// <paramref name="runDirectory"/>. The image documents those directories, not the daemon's working
    /// directory, so the paths are made absolute.
    /// </summary>
    public static XDocument InDirectories(XDocument document, string runDirectory, string logDirectory)
    {
        ArgumentNullException.ThrowIfNull(document);
        var moved = new XDocument(document);
        foreach (var leaf in moved.Root!.Descendants().Where(e => !e.HasElements))
        {
            var value = leaf.Value.Trim();
            if (value == "./logs" || value.StartsWith("./logs/", StringComparison.Ordinal))
            {
                leaf.Value = logDirectory + value["./logs".Length..];
            }
            else if (value == "." || value.StartsWith("./", StringComparison.Ordinal))
            {
                leaf.Value = runDirectory + value[1..];
            }
        }

        return moved;
    }

    public static void Save(XDocument document, string path) => Write(ToText(document), path);

    /// <summary>Writes ncs.conf text as <see cref="ToText"/> made it.</summary>
    public static void Write(string text, string path) =>
        // No byte-order mark: ncs-setup's files have none, and a strict XML reader (libyang) refuses one.
        File.WriteAllText(path, text, new UTF8Encoding(false));

    /// <summary>The text <see cref="Save"/> writes, to compare with the ncs.conf a running daemon read.</summary>
    public static string ToText(XDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = false, NewLineHandling = NewLineHandling.None };
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, settings))
        {
            document.Save(writer);
        }

        return text.ToString();
    }

    /// <summary>
    /// <c>ncs-local-ipc</c> must be absent before 6.4 (the element is unknown there, exit 21) and is
    /// written explicitly from 6.4 on, because 6.7 turns it on by default (docs/NSO-NOTES.md §1).
    /// The stock ncs.conf has no <c>ncs-ipc-address</c> (it relies on 127.0.0.1:4569), so one is added
    /// beside the other IPC elements for TCP.
    /// </summary>
    private static void WriteIpc(XElement root, XNamespace ns, NsoIpcEndpoint ipc, NsoRelease version)
    {
        var localIpc = root.Element(ns + "ncs-local-ipc");
        if (ipc is NsoIpcEndpoint.Tcp tcp)
        {
            WriteIpcAddress(root, ns, tcp);
        }

        if (version < NsoRelease.LocalIpcIntroduced)
        {
            if (ipc is NsoIpcEndpoint.UnixSocket)
            {
                throw new NcsConfTemplateException($"NSO {version} has no local IPC (ncs-local-ipc came in NSO {NsoRelease.LocalIpcIntroduced}), so it cannot listen on a Unix socket. Use WithTcpIpc() for this instance, or NSO {NsoRelease.LocalIpcIntroduced} or later.");
            }

            localIpc?.Remove();
            return;
        }

        if (localIpc is null)
        {
            // Indented like ncs-setup's files, so that a person reading the generated ncs.conf finds it.
            localIpc = new XElement(ns + "ncs-local-ipc", new XText("\n    "), new XElement(ns + "enabled"), new XText("\n  "));
            var anchor = root.Element(ns + "ncs-ipc-address");
            if (anchor is null)
            {
                root.Add(new XText("  "), localIpc, new XText("\n"));
            }
            else
            {
                anchor.AddAfterSelf(new XText("\n\n  "), localIpc);
            }
        }

        Set(localIpc, ns, ["enabled"], Format(ipc is NsoIpcEndpoint.UnixSocket));
        if (ipc is NsoIpcEndpoint.UnixSocket unix)
        {
            Set(localIpc, ns, ["path"], unix.Path);
        }
    }

    /// <summary>The instance's TCP IPC address and port; added where the stock file has none, before the access check and indented like ncs-setup's files, so that a person reading the generated ncs.conf finds it.</summary>
    private static void WriteIpcAddress(XElement root, XNamespace ns, NsoIpcEndpoint.Tcp tcp)
    {
        if (root.Element(ns + "ncs-ipc-address") is null)
        {
            var address = new XElement(ns + "ncs-ipc-address", new XText("\n    "), new XElement(ns + "ip"), new XText("\n    "), new XElement(ns + "port"), new XText("\n  "));
            if (root.Element(ns + "ncs-ipc-access-check") is { } accessCheck)
            {
                accessCheck.AddBeforeSelf(address, new XText("\n\n  "));
            }
            else
            {
                root.AddFirst(new XText("\n  "), address);
            }
        }

        Set(root, ns, ["ncs-ipc-address", "ip"], tcp.Address);
        Set(root, ns, ["ncs-ipc-address", "port"], Format(tcp.Port));
    }

    private static XElement? Find(XElement root, IEnumerable<string> path)
    {
        XElement? current = root;
        foreach (var step in path)
        {
            current = current?.Elements().FirstOrDefault(e => e.Name.LocalName == step);
        }

        return current;
    }

    private static void Set(XElement root, XNamespace ns, string[] path, string value)
    {
        var current = root;
        foreach (var step in path)
        {
            var next = current.Element(ns + step);
            if (next is null)
            {
                next = new XElement(ns + step);
                current.Add(next);
            }

            current = next;
        }

        current.Value = value;
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(bool value) => value ? "true" : "false";
}

/// <summary>The template cannot be used; the message names the file and the fix.</summary>
internal sealed class NcsConfTemplateException(string message) : InvalidOperationException(message);
