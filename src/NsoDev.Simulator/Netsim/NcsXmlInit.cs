using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace NsoDev.Simulator.Netsim;

/// <summary>
/// ncs-netsim's <c>ncs-xml-init</c> (NSO-NOTES §10): the init data that makes NSO manage the network.
/// One <c>&lt;device&gt;</c> per device, in NSO's namespace:
/// <code>
/// &lt;devices xmlns="http://tail-f.com/ns/ncs"&gt;
///   &lt;device&gt;
///     &lt;name&gt;device0&lt;/name&gt; &lt;address&gt;127.0.0.1&lt;/address&gt; &lt;port&gt;12022&lt;/port&gt;
///     &lt;ssh&gt;&lt;host-key&gt;&lt;algorithm&gt;ssh-rsa&lt;/algorithm&gt;&lt;key-data&gt;ssh-rsa AAAA... nso-sim&lt;/key-data&gt;&lt;/host-key&gt;&lt;/ssh&gt;
///     &lt;ssh-algorithms&gt;&lt;public-key&gt;...&lt;/public-key&gt;&lt;/ssh-algorithms&gt;
///     &lt;state&gt;&lt;admin-state&gt;unlocked&lt;/admin-state&gt;&lt;/state&gt;
///     &lt;authgroup&gt;default&lt;/authgroup&gt;
///     &lt;device-type&gt;&lt;netconf&gt;&lt;ned-id xmlns:id="..."&gt;id:router-nc-1.1&lt;/ned-id&gt;&lt;/netconf&gt;&lt;/device-type&gt;
///   &lt;/device&gt;
/// &lt;/devices&gt;
/// </code>
/// </summary>
internal static class NcsXmlInit
{
    public const string Address = "127.0.0.1";

    private static readonly XNamespace Ns = NedPackage.Ncs.Namespace;

    // The .pub files ncs-netsim reads from sshServerKeyDir, and ECDSA, the key nso-sim's SSH server also has.
    private static readonly Dictionary<string, string> KeyFiles = new(StringComparer.Ordinal)
    {
        ["ssh_host_dsa_key.pub"] = "ssh-dss",
        ["ssh_host_ecdsa_key.pub"] = "ecdsa-sha2-nistp256",
        ["ssh_host_ed25519_key.pub"] = "ssh-ed25519",
        ["ssh_host_rsa_key.pub"] = "ssh-rsa",
    };

    // What nso-sim's SSH server signs with for each key type: RSA keys sign with SHA-2 only, never ssh-rsa's SHA-1.
    private static readonly Dictionary<string, string[]> SignatureAlgorithms = new(StringComparer.Ordinal)
    {
        ["ssh-dss"] = ["ssh-dss"],
        ["ecdsa-sha2-nistp256"] = ["ecdsa-sha2-nistp256"],
        ["ssh-ed25519"] = ["ssh-ed25519"],
        ["ssh-rsa"] = ["rsa-sha2-512", "rsa-sha2-256"],
    };

    /// <exception cref="NetsimException">A device's package or confd.conf is gone.</exception>
    public static string Build(string dest, IEnumerable<NetsimDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var root = new XElement(Ns + "devices", devices.Select(d => Device(dest, d)));
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, IndentChars = "  ", NewLineChars = "\n" };
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = XmlWriter.Create(text, settings))
        {
            root.Save(writer);
        }

        return text + "\n";
    }

    /// <summary>The host keys a device presents: algorithm and the .pub line, in file-name order, as <c>ls</c> lists them.</summary>
    public static IReadOnlyList<(string Algorithm, string KeyData)> HostKeys(string deviceDir)
    {
        var keyDir = DeviceConf.Load(deviceDir).SshKeyDir;
        if (!Directory.Exists(keyDir))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(keyDir, "*.pub")
            .Select(Path.GetFileName)
            .Where(name => KeyFiles.ContainsKey(name!))
            .Order(StringComparer.Ordinal)
            .Select(name => (KeyFiles[name!], File.ReadAllText(Path.Combine(keyDir, name!)).Trim()))];
    }

    private static XElement Device(string dest, NetsimDevice device)
    {
        var package = NedPackage.Load(device.AbsPackageDir, dest);
        var keys = HostKeys(Path.Combine(dest, device.DeviceDir));
        var (type, port) = package.Type switch
        {
            NedType.Cli => ("cli", device.Ports.CliSsh),
            NedType.Snmp => ("snmp", device.Ports.Snmp),

            // A generic NED's device is simulated as a NETCONF one, as ncs-netsim does without --force-generic.
            _ => ("netconf", device.Ports.NetconfSsh),
        };
        var element = new XElement(
            Ns + "device",
            new XElement(Ns + "name", device.Name),
            new XElement(Ns + "address", Address),
            new XElement(Ns + "port", port.ToString(CultureInfo.InvariantCulture)));
        if (package.Type != NedType.Snmp)
        {
            element.Add(
                new XElement(Ns + "ssh", keys.Select(k => new XElement(Ns + "host-key", new XElement(Ns + "algorithm", k.Algorithm), new XElement(Ns + "key-data", k.KeyData)))),
                new XElement(Ns + "ssh-algorithms", keys.SelectMany(k => SignatureAlgorithms[k.Algorithm]).Distinct().Select(a => new XElement(Ns + "public-key", a))));
        }

        element.Add(new XElement(Ns + "state", new XElement(Ns + "admin-state", "unlocked")));
        if (package.Type != NedType.Snmp)
        {
            element.Add(new XElement(Ns + "authgroup", "default"));
        }

        var typed = new XElement(Ns + type, new XElement(package.NedId));
        if (package.Type == NedType.Snmp)
        {
            typed.Add(new XElement(Ns + "version", "v2c"), new XElement(Ns + "snmp-authgroup", "default"));
        }

        element.Add(new XElement(Ns + "device-type", typed));
        return element;
    }
}
