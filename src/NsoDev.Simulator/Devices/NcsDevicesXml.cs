using System.Globalization;
using System.Xml.Linq;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Devices;

/// <summary>
/// Reading the device manager's part of running (<c>tailf-ncs</c>, <c>http://tail-f.com/ns/ncs</c>): the
/// device list, authgroups, host-key verification and timeouts. nso-sim has no YANG, so it reads elements by name.
/// </summary>
internal static class NcsDevicesXml
{
    public static readonly XNamespace Ns = "http://tail-f.com/ns/ncs";

    /// <summary>NSO's default connect-timeout and read-timeout, in seconds (tailf-ncs-devices.yang).</summary>
    public const int DefaultTimeoutSeconds = 20;

    public static XElement? Devices(IEnumerable<XElement> topLevel) => topLevel.FirstOrDefault(e => e.Name == Ns + "devices");

    /// <summary>The device entries, in running's order.</summary>
    public static IReadOnlyList<XElement> DeviceEntries(IEnumerable<XElement> topLevel) =>
        Devices(topLevel)?.Elements(Ns + "device").Where(d => Leaf(d, "name") is not null).ToList() ?? [];

    public static XElement? DeviceEntry(IEnumerable<XElement> topLevel, string name) =>
        DeviceEntries(topLevel).FirstOrDefault(d => Leaf(d, "name") == name);

    public static IReadOnlyList<ManagedDevice> Read(IEnumerable<XElement> topLevel)
    {
        var nodes = topLevel.ToList();
        var global = GlobalVerification(nodes);
        return [.. DeviceEntries(nodes).Select(d => ManagedDevice.From(d, global)).OfType<ManagedDevice>().Select(d => d.ThroughRemoteNode(nodes))];
    }

    /// <summary>
    /// The credentials of <c>/devices/authgroups/group{group}</c> for <paramref name="localUser"/>: its <c>umap</c>
    /// entry, else its <c>default-map</c> (NSO-NOTES §11).
    /// </summary>
    /// <returns>The credentials, or the reason there are none, worded for the action's <c>info</c>.</returns>
    public static (DeviceCredentials? Credentials, string Problem) Credentials(IEnumerable<XElement> topLevel, string group, string localUser)
    {
        var nodes = topLevel.ToList();
        var entry = Devices(nodes)?.Element(Ns + "authgroups")?.Elements(Ns + "group").FirstOrDefault(g => Leaf(g, "name") == group);
        return entry is null
            ? (null, $"authgroup {group} does not exist; add /devices/authgroups/group {group} with a default-map (remote-name, remote-password)")
            : CredentialsIn(entry, $"authgroup {group}", nodes, localUser);
    }

    /// <summary>
    /// The credentials an authgroup entry (a device one, or a <c>/cluster/authgroup</c> one, which has the same
    /// shape) gives <paramref name="localUser"/>: its <c>umap</c> entry, else its <c>default-map</c>. <c>same-user</c>
    /// takes the local user's name, <c>same-pass</c> the local user's password, which nso-sim reads from its AAA data
    /// as it checks logins; a password must be plain or <c>$0$</c> (nso-sim cannot decrypt NSO's <c>$8$</c> and <c>$9$</c>).
    /// </summary>
    /// <param name="entry">The authgroup's list entry.</param>
    /// <param name="what">The group as messages name it, <c>authgroup default</c> or <c>cluster authgroup default</c>.</param>
    /// <param name="topLevel">Running's top-level nodes, for the AAA users that same-pass reads.</param>
    /// <param name="localUser">Who runs the action.</param>
    public static (DeviceCredentials? Credentials, string Problem) CredentialsIn(XElement entry, string what, IEnumerable<XElement> topLevel, string localUser)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var map = entry.Elements(Ns + "umap").FirstOrDefault(u => Leaf(u, "local-user") == localUser)
            ?? entry.Element(Ns + "default-map");
        if (map is null)
        {
            return (null, $"{what} has no umap for {localUser} and no default-map");
        }

        var name = map.Element(Ns + "same-user") is not null ? localUser : Leaf(map, "remote-name");
        var password = map.Element(Ns + "same-pass") is not null ? Daemon.AaaUsers.PasswordOf(topLevel, localUser) : Leaf(map, "remote-password");
        if (name is null || password is null)
        {
            var missing = name is null ? "remote-name" : map.Element(Ns + "same-pass") is not null ? $"password for same-pass (nso-sim reads it from /aaa/authentication/users/user{{{localUser}}}/password, plain or $0$)" : "remote-password";
            return (null, $"{what} gives {localUser} no {missing}");
        }

        if (password.StartsWith("$0$", StringComparison.Ordinal))
        {
            password = password[3..];
        }
        else if (password.StartsWith("$8$", StringComparison.Ordinal) || password.StartsWith("$9$", StringComparison.Ordinal))
        {
            return (null, $"{what}: nso-sim cannot decrypt an encrypted remote-password; give it in clear text or as $0$text");
        }

        return (new DeviceCredentials(name, password), string.Empty);
    }

    /// <summary>connect-timeout and read-timeout of <c>/devices/global-settings</c>, or NSO's defaults.</summary>
    public static (TimeSpan Connect, TimeSpan Read) Timeouts(IEnumerable<XElement> topLevel)
    {
        var settings = Devices(topLevel)?.Element(Ns + "global-settings");
        return (Seconds(Leaf(settings, "connect-timeout")), Seconds(Leaf(settings, "read-timeout")));

        static TimeSpan Seconds(string? text) =>
            TimeSpan.FromSeconds(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : DefaultTimeoutSeconds);
    }

    public static HostKeyVerification GlobalVerification(IEnumerable<XElement> topLevel) =>
        ParseVerification(Leaf(topLevel.FirstOrDefault(e => e.Name == Ns + "ssh"), "host-key-verification")) ?? HostKeyVerification.RejectUnknown;

    public static HostKeyVerification? ParseVerification(string? text) => text switch
    {
        "reject-unknown" => HostKeyVerification.RejectUnknown,
        "reject-mismatch" => HostKeyVerification.RejectMismatch,
        "none" => HostKeyVerification.None,
        _ => null,
    };

    /// <summary>The trimmed text of a child leaf in the tailf-ncs namespace, or null.</summary>
    public static string? Leaf(XElement? parent, string name) =>
        parent?.Element(Ns + name) is { HasElements: false } leaf ? leaf.Value.Trim() : null;

    /// <summary>The children of <c>/devices/device{name}/config</c>: what NSO holds of the device's configuration.</summary>
    public static IReadOnlyList<XElement> DeviceConfig(XElement? device) =>
        device?.Element(Ns + "config")?.Elements().ToList() ?? [];

    /// <summary><c>/devices/device{name}</c> in <paramref name="root"/> (a whole running tree), created with its name when missing.</summary>
    public static XElement DeviceEntryIn(XElement root, string name)
    {
        var devices = root.Element(Ns + "devices") ?? Added(root, new XElement(Ns + "devices"));
        return devices.Elements(Ns + "device").FirstOrDefault(d => Leaf(d, "name") == name)
            ?? Added(devices, new XElement(Ns + "device", new XElement(Ns + "name", name)));
    }

    private static XElement Added(XElement parent, XElement child)
    {
        parent.Add(child);
        return child;
    }

    /// <summary>For messages: <c>/devices/device{d0}</c>, NSO's own way of naming a list entry.</summary>
    public static string PathOf(string device) => $"/devices/device{{{device}}}";

    internal static bool IsDevicesNode(XElement element) => element.Name == Ns + "devices" && element.Parent?.Name == ConfigNamespaces.ConfigWrapper;
}
