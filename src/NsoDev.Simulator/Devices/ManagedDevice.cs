using System.Globalization;
using System.Xml.Linq;

namespace NsoDev.Simulator.Devices;

/// <summary>One SSH host key NSO knows for a device: <c>/devices/device/ssh/host-key{algorithm}/key-data</c>.</summary>
/// <param name="Algorithm">Such as <c>ssh-ed25519</c> or <c>ssh-rsa</c>.</param>
/// <param name="KeyData">The public key blob in base64, as ncs-xml-init writes it.</param>
internal sealed record DeviceHostKey(string Algorithm, string KeyData);

/// <summary>How strictly a device's host key is checked (<c>/ssh/host-key-verification</c>, NSO-NOTES §11).</summary>
internal enum HostKeyVerification
{
    RejectUnknown,
    RejectMismatch,
    None,
}

/// <summary>
/// What the device manager needs of one <c>/devices/device</c> entry (NSO-NOTES §11), read from running.
/// </summary>
/// <example>
/// <code>
/// &lt;device&gt;&lt;name&gt;d0&lt;/name&gt;&lt;address&gt;127.0.0.1&lt;/address&gt;&lt;port&gt;12022&lt;/port&gt;
///   &lt;ssh&gt;&lt;host-key&gt;&lt;algorithm&gt;ssh-ed25519&lt;/algorithm&gt;&lt;key-data&gt;AAAAC3Nz...&lt;/key-data&gt;&lt;/host-key&gt;&lt;/ssh&gt;
///   &lt;authgroup&gt;default&lt;/authgroup&gt;&lt;device-type&gt;&lt;netconf&gt;&lt;ned-id&gt;router-nc-1.0&lt;/ned-id&gt;&lt;/netconf&gt;&lt;/device-type&gt;
///   &lt;state&gt;&lt;admin-state&gt;unlocked&lt;/admin-state&gt;&lt;/state&gt;&lt;/device&gt;
/// </code>
/// </example>
internal sealed record ManagedDevice(
    string Name,
    string? Address,
    int Port,
    string AuthGroup,
    IReadOnlyList<DeviceHostKey> HostKeys,
    HostKeyVerification Verification,
    string AdminState)
{
    /// <summary>NETCONF over SSH's own port (RFC 6242) when the entry has none.</summary>
    public const int DefaultNetconfPort = 830;

    public bool IsLocked => AdminState is "locked" or "southbound-locked";

    /// <summary>
    /// The <c>/cluster/remote-node</c> an LSA device is reached through (<c>lsa-remote-node</c>, NSO-NOTES §16): its
    /// address, port and cluster authgroup stand in for the device's own. Null for an ordinary device.
    /// </summary>
    public string? LsaRemoteNode { get; init; }

    /// <summary><c>device-type/netconf/ned-id</c> without its prefix, such as <c>lsa-netconf</c>; null when not set.</summary>
    public string? NedId { get; init; }

    /// <summary>Why the device cannot be reached at all as configured (an LSA device whose remote node is missing); null when it can.</summary>
    public string? Problem { get; init; }

    /// <summary>
    /// The base64 blob of a <c>key-data</c>: ncs-netsim's ncs-xml-init writes the whole line of a <c>.pub</c>
    /// file (type, blob, comment; NSO-NOTES §10), NSO's own examples the blob alone, maybe wrapped.
    /// </summary>
    public static string KeyBlob(string keyData)
    {
        ArgumentNullException.ThrowIfNull(keyData);
        var words = keyData.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 2 && (words[0].StartsWith("ssh-", StringComparison.Ordinal) || words[0].StartsWith("ecdsa-", StringComparison.Ordinal))
            ? words[1]
            : string.Concat(words);
    }

    /// <summary>The entry's name and leaves; null when <paramref name="device"/> has no name.</summary>
    public static ManagedDevice? From(XElement device, HostKeyVerification globalVerification)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (NcsDevicesXml.Leaf(device, "name") is not { } name)
        {
            return null;
        }

        var ssh = device.Element(NcsDevicesXml.Ns + "ssh");
        var keys = ssh?.Elements(NcsDevicesXml.Ns + "host-key")
            .Select(k => (NcsDevicesXml.Leaf(k, "algorithm"), NcsDevicesXml.Leaf(k, "key-data")))
            .Where(k => k.Item1 is not null && k.Item2 is not null)
            .Select(k => new DeviceHostKey(k.Item1!, KeyBlob(k.Item2!)))
            .ToList() ?? [];
        var port = NcsDevicesXml.Leaf(device, "port") is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            ? p
            : DefaultNetconfPort;
        var nedId = NcsDevicesXml.Leaf(device.Element(NcsDevicesXml.Ns + "device-type")?.Element(NcsDevicesXml.Ns + "netconf"), "ned-id");
        return new ManagedDevice(
            name,
            NcsDevicesXml.Leaf(device, "address"),
            port,
            NcsDevicesXml.Leaf(device, "authgroup") ?? "default",
            keys,
            NcsDevicesXml.ParseVerification(ssh is null ? null : NcsDevicesXml.Leaf(ssh, "host-key-verification")) ?? globalVerification,
            NcsDevicesXml.Leaf(device.Element(NcsDevicesXml.Ns + "state"), "admin-state") ?? "unlocked")
        {
            LsaRemoteNode = NcsDevicesXml.Leaf(device, "lsa-remote-node"),
            NedId = nedId is null ? null : nedId[(nedId.IndexOf(':', StringComparison.Ordinal) + 1)..],
        };
    }

    /// <summary>
    /// An LSA device as NSO connects to it: the address and port of its <c>/cluster/remote-node</c> (the node's name
    /// when it has no address, as the YANG says), and that node's cluster authgroup; the device's own host keys.
    /// A missing remote node is the device's <see cref="Problem"/>.
    /// </summary>
    public ManagedDevice ThroughRemoteNode(IReadOnlyList<XElement> topLevel)
    {
        ArgumentNullException.ThrowIfNull(topLevel);
        if (LsaRemoteNode is not { } remoteName)
        {
            return this;
        }

        if (ClusterXml.RemoteNodeEntry(topLevel, remoteName) is not { } entry)
        {
            var known = ClusterXml.RemoteNodeNames(topLevel);
            return this with
            {
                Problem = $"lsa-remote-node {remoteName} names no {ClusterXml.PathOf(remoteName)}; add it with the lower node's address, NETCONF port and a cluster authgroup"
                    + (known.Count == 0 ? " (no remote node is configured)" : $" (the remote nodes are: {string.Join(' ', known)})"),
            };
        }

        var remote = ClusterXml.RemoteNode(entry, Verification);
        return this with { Address = remote.Address, Port = remote.Port, AuthGroup = remote.AuthGroup };
    }

}

/// <summary>The remote user and password an authgroup gives a local user (NSO-NOTES §11).</summary>
internal sealed record DeviceCredentials(string RemoteName, string RemotePassword);
