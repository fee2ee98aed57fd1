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
        return [.. DeviceEntries(nodes).Select(d => ManagedDevice.From(d, global)).OfType<ManagedDevice>()];
    }

    /// <summary>
    /// The credentials of <paramref name="group"/> for <paramref name="localUser"/>: its <c>umap</c> entry,
    /// else its <c>default-map</c>. <c>same-user</c> and <c>same-pass</c> take the local user's name; a
    /// password must be plain or <c>$0$</c> (nso-sim cannot decrypt NSO's <c>$8$</c> and <c>$9$</c>).
    /// </summary>
    /// <returns>The credentials, or the reason there are none, worded for the action's <c>info</c>.</returns>
    public static (DeviceCredentials? Credentials, string Problem) Credentials(IEnumerable<XElement> topLevel, string group, string localUser)
    {
        var entry = Devices(topLevel)?.Element(Ns + "authgroups")?.Elements(Ns + "group").FirstOrDefault(g => Leaf(g, "name") == group);
        if (entry is null)
        {
            return (null, $"authgroup {group} does not exist; add /devices/authgroups/group {group} with a default-map (remote-name, remote-password)");
        }

        var map = entry.Elements(Ns + "umap").FirstOrDefault(u => Leaf(u, "local-user") == localUser)
            ?? entry.Element(Ns + "default-map");
        if (map is null)
        {
            return (null, $"authgroup {group} has no umap for {localUser} and no default-map");
        }

        var name = map.Element(Ns + "same-user") is not null ? localUser : Leaf(map, "remote-name");
        var password = Leaf(map, "remote-password");
        if (name is null || password is null)
        {
            return (null, $"authgroup {group} gives {localUser} no {(name is null ? "remote-name" : "remote-password")}");
        }

        if (password.StartsWith("$0$", StringComparison.Ordinal))
        {
            password = password[3..];
        }
        else if (password.StartsWith("$8$", StringComparison.Ordinal) || password.StartsWith("$9$", StringComparison.Ordinal))
        {
            return (null, $"authgroup {group}: nso-sim cannot decrypt an encrypted remote-password; give it in clear text or as $0$text");
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
