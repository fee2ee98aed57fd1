using System.Globalization;
using System.Net;
using System.Xml;
using System.Xml.Linq;

namespace NsoDev.Simulator.Netsim;

/// <summary>
/// The part of a device's <c>confd.conf</c> that nso-sim's device daemon reads (NSO-NOTES §10), by
/// ConfD's element names, so a package's own <c>confd.conf.netsim</c> works as well as nso-sim's
/// default. Sample:
/// <code>
/// &lt;confdConfig xmlns="http://tail-f.com/ns/confd_cfg/1.0"&gt;
///   &lt;confdIpcAddress&gt;&lt;ip&gt;127.0.0.1&lt;/ip&gt;&lt;port&gt;5010&lt;/port&gt;&lt;/confdIpcAddress&gt;
///   &lt;cdb&gt;&lt;dbDir&gt;./cdb&lt;/dbDir&gt;&lt;/cdb&gt;
///   &lt;aaa&gt;&lt;sshServerKeyDir&gt;./ssh&lt;/sshServerKeyDir&gt;&lt;/aaa&gt;
///   &lt;netconf&gt;&lt;transport&gt;&lt;ssh&gt;&lt;enabled&gt;true&lt;/enabled&gt;&lt;ip&gt;127.0.0.1&lt;/ip&gt;&lt;port&gt;12022&lt;/port&gt;&lt;/ssh&gt;&lt;/transport&gt;&lt;/netconf&gt;
///   &lt;cli&gt;&lt;ssh&gt;&lt;enabled&gt;true&lt;/enabled&gt;&lt;port&gt;10022&lt;/port&gt;&lt;/ssh&gt;&lt;/cli&gt;
/// &lt;/confdConfig&gt;
/// </code>
/// Everything else in the file (logs, datastores, capabilities, SNMP) is accepted and not used.
/// </summary>
internal sealed record DeviceConf(IPEndPoint Ipc, IPEndPoint? NetconfSsh, IPEndPoint? CliSsh, string SshKeyDir, string DbDir)
{
    public const string FileName = "confd.conf";

    /// <summary>nso-sim's own template, used when the package has no <c>confd.conf*.netsim</c>; the %VARS% are ncs-netsim's.</summary>
    public const string DefaultTemplate = """
        <?xml version="1.0"?>
        <!-- Device %NAME%, written by nso-sim netsim. nso-sim's device daemon reads only these elements of
             ConfD's confd.conf; a package's own confd.conf.netsim may hold more, which it ignores. -->
        <confdConfig xmlns="http://tail-f.com/ns/confd_cfg/1.0">
          <confdIpcAddress>
            <ip>127.0.0.1</ip>
            <port>%IPC_PORT%</port>
          </confdIpcAddress>
          <cdb>
            <dbDir>./cdb</dbDir>
          </cdb>
          <aaa>
            <sshServerKeyDir>./ssh</sshServerKeyDir>
          </aaa>
          <netconf>
            <transport>
              <ssh>
                <enabled>true</enabled>
                <ip>127.0.0.1</ip>
                <port>%NETCONF_SSH_PORT%</port>
              </ssh>
              <tcp>
                <enabled>false</enabled>
                <ip>127.0.0.1</ip>
                <port>%NETCONF_TCP_PORT%</port>
              </tcp>
            </transport>
          </netconf>
          <cli>
            <ssh>
              <enabled>true</enabled>
              <ip>127.0.0.1</ip>
              <port>%CLI_SSH_PORT%</port>
            </ssh>
          </cli>
        </confdConfig>

        """;

    /// <summary>ncs-netsim's substitution of a <c>confd.conf*.netsim</c> template for one device.</summary>
    public static string Substitute(string template, string name, int counter, NetsimPorts ports)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(ports);
        string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
        return template
            .Replace("%IPC_PORT%", Number(ports.Ipc), StringComparison.Ordinal)
            .Replace("%NETCONF_SSH_PORT%", Number(ports.NetconfSsh), StringComparison.Ordinal)
            .Replace("%NETCONF_TCP_PORT%", Number(ports.NetconfTcp), StringComparison.Ordinal)
            .Replace("%CLI_SSH_PORT%", Number(ports.CliSsh), StringComparison.Ordinal)
            .Replace("%SNMP_PORT%", Number(ports.Snmp), StringComparison.Ordinal)
            .Replace("%NAME%", name, StringComparison.Ordinal)
            .Replace("%TWO_DIGIT_COUNTER%", counter.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%COUNTER%", Number(counter), StringComparison.Ordinal);
    }

    /// <summary>Reads <c>DEVICEDIR/confd.conf</c>; relative paths are taken from the device directory.</summary>
    /// <exception cref="NetsimException">The file is missing, not XML, or has no IPC port or a bad address.</exception>
    public static DeviceConf Load(string deviceDir)
    {
        var path = Path.Combine(deviceDir, FileName);
        XElement root;
        try
        {
            root = XElement.Load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
        {
            throw new NetsimException($"{path}: {e.Message}; create the device again (nso-sim netsim delete-network, then create-network)", e);
        }

        var ipc = EndPoint(root, path, "confdIpcAddress")
            ?? throw new NetsimException($"{path}: no confdIpcAddress/port; the device daemon needs its IPC port there");
        var netconf = Enabled(root, "netconf", "transport", "ssh") ? EndPoint(root, path, "netconf", "transport", "ssh") : null;
        var cli = Enabled(root, "cli", "ssh") ? EndPoint(root, path, "cli", "ssh") : null;
        var keyDir = Leaf(root, "aaa", "sshServerKeyDir") ?? "./ssh";
        var dbDir = Leaf(root, "cdb", "dbDir") ?? "./cdb";
        return new DeviceConf(ipc, netconf, cli, Path.GetFullPath(keyDir, deviceDir), Path.GetFullPath(dbDir, deviceDir));
    }

    private static IPEndPoint? EndPoint(XElement root, string path, params string[] container)
    {
        if (Leaf(root, [.. container, "port"]) is not { } portText)
        {
            return null;
        }

        var where = string.Join('/', container);
        var ipText = Leaf(root, [.. container, "ip"]) ?? "127.0.0.1";
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new NetsimException($"{path}: {where}/port \"{portText}\" is not a port number (1..65535)");
        }

        return IPAddress.TryParse(ipText, out var ip)
            ? new IPEndPoint(ip, port)
            : throw new NetsimException($"{path}: {where}/ip \"{ipText}\" is not an IP address");
    }

    private static bool Enabled(XElement root, params string[] container) =>
        Leaf(root, [.. container, "enabled"]) is not "false";

    private static string? Leaf(XElement root, params string[] names)
    {
        var element = root;
        foreach (var name in names)
        {
            element = element.Elements().FirstOrDefault(e => e.Name.LocalName == name);
            if (element is null)
            {
                return null;
            }
        }

        return element.Value.Trim();
    }
}
