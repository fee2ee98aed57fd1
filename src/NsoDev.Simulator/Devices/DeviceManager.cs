using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Devices;

/// <summary>
/// nso-sim as NSO's device manager, for NETCONF devices (NSO-NOTES §11): the actions fetch-ssh-host-keys,
/// connect, sync-from and check-sync on every device or on one, and (through <see cref="DeviceCommitPush"/>)
/// a commit's changes under <c>/devices/device/config</c> pushed to the device. Each device is handled on its
/// own, several at once; one device's failure is its result's <c>info</c>, never the whole action's.
/// </summary>
internal sealed class DeviceManager
{
    private const int Parallelism = 8;
    /// <summary>The built-in ned-id of an LSA device whose lower node runs the upper's own release (tailf-ncs-ned.yang).</summary>
    public const string LsaNetconfNedId = "lsa-netconf";

    /// <summary>The ned-ids of the LSA NED packages in <c>$NCS_DIR/packages/lsa</c>, one per lower node release.</summary>
    public const string CiscoNsoNedPrefix = "cisco-nso-nc-";

    private readonly RunningDatastore _datastore;
    private readonly INorthboundLog _log;
    private readonly IReadOnlyList<string> _loadPath;

    /// <param name="datastore">Running, where the devices are.</param>
    /// <param name="log">The audit and NETCONF logs.</param>
    /// <param name="loadPath">ncs.conf's load-path directories, where an LSA device's <c>cisco-nso-nc-X.Y</c> package must be.</param>
    public DeviceManager(RunningDatastore datastore, INorthboundLog log, IReadOnlyList<string>? loadPath = null)
    {
        ArgumentNullException.ThrowIfNull(datastore);
        ArgumentNullException.ThrowIfNull(log);
        _datastore = datastore;
        _log = log;
        _loadPath = loadPath ?? [];
    }

    /// <summary>
    /// <c>/cluster/remote-node{name}/ssh/fetch-host-keys</c> (NSO-NOTES §16): the node's host key read in the key
    /// exchange and stored in its <c>ssh/host-key</c> list. Returns the action's output: <c>result</c> (updated,
    /// unchanged, failed), <c>fingerprint</c>, or <c>info</c> when it failed.
    /// </summary>
    /// <exception cref="DeviceActionException">No such remote node.</exception>
    /// <exception cref="DataStoreException">The key could not be stored (running is locked by another session).</exception>
    public IReadOnlyList<XElement> FetchRemoteNodeHostKeys(string name, string user, uint sessionId)
    {
        ArgumentNullException.ThrowIfNull(name);
        var snapshot = _datastore.Current.Nodes.ToList();
        if (ClusterXml.RemoteNodeEntry(snapshot, name) is not { } entry)
        {
            var known = ClusterXml.RemoteNodeNames(snapshot);
            throw new DeviceActionException($"no remote node {name} in /cluster/remote-node; add it first (the remote nodes are: {(known.Count == 0 ? "none" : string.Join(' ', known))})");
        }

        var node = ClusterXml.RemoteNode(entry, NcsDevicesXml.GlobalVerification(snapshot));
        XElement[] fields;
        try
        {
            var presented = WithSshLibrary(name, () => DeviceConnection.FetchHostKey(node, ClusterXml.ConnectTimeout(snapshot)));
            var unchanged = node.HostKeys.Any(k => k.Algorithm == presented.Algorithm && k.KeyData == presented.KeyData);
            fields = [Leaf("result", unchanged ? "unchanged" : "updated"), new XElement(NcsDevicesXml.Ns + "fingerprint", Leaf("algorithm", presented.Algorithm), Leaf("value", presented.Fingerprint))];
            if (!unchanged)
            {
                _datastore.Update(sessionId, root =>
                {
                    var stored = ClusterXml.RemoteNodeEntryIn(root, name);
                    var ssh = stored.Element(NcsDevicesXml.Ns + "ssh") ?? AddTo(stored, new XElement(NcsDevicesXml.Ns + "ssh"));
                    ssh.Elements(NcsDevicesXml.Ns + "host-key").Where(k => NcsDevicesXml.Leaf(k, "algorithm") == presented.Algorithm).Remove();
                    ssh.Add(new XElement(NcsDevicesXml.Ns + "host-key", Leaf("algorithm", presented.Algorithm), Leaf("key-data", presented.KeyData)));
                    return true;
                });
            }
        }
        catch (DeviceFailure failure)
        {
            // NSO's own words name a device; a remote node is what failed here.
            fields = [Leaf("result", "failed"), Leaf("info", failure.Message.Replace($"device {name}:", $"remote node {name}:", StringComparison.Ordinal))];
        }

        _log.Audit($"user: {user} cluster remote-node {name} ssh fetch-host-keys: {fields[0].Value}");
        return fields;
    }

    /// <summary>
    /// Runs <paramref name="action"/> and returns its output elements (tailf-ncs namespace): one
    /// <c>fetch-result</c>, <c>connect-result</c> or <c>sync-result</c> per device, or, on one device, its
    /// result leaves alone.
    /// </summary>
    /// <param name="action">What to run, and on which device.</param>
    /// <param name="user">Who asked: picks the authgroup's umap entry.</param>
    /// <param name="sessionId">The NETCONF session that asked (it may hold the lock); 0 for the CLI.</param>
    /// <exception cref="DeviceActionException">The one device named does not exist.</exception>
    /// <exception cref="DataStoreException">The results could not be stored (running is locked by another session).</exception>
    public IReadOnlyList<XElement> Run(DeviceAction action, string user, uint sessionId)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(user);
        var snapshot = _datastore.Current.Nodes.ToList();
        var devices = NcsDevicesXml.Read(snapshot);
        if (action.Device is { } name)
        {
            devices = [.. devices.Where(d => d.Name == name)];
            if (devices.Count == 0)
            {
                throw new DeviceActionException($"no device {name} in /devices/device; add it first (the devices are: {string.Join(' ', NcsDevicesXml.Read(snapshot).Select(d => d.Name))})");
            }
        }

        else if (action.Kind == DeviceActionKind.SyncFrom)
        {
            // "pulling from all unlocked devices" (NSO-NOTES §11).
            devices = [.. devices.Where(d => !d.IsLocked)];
        }

        devices = [.. devices.Select(d => d.Problem is null && LsaNedProblem(d) is { } problem ? d with { Problem = problem } : d)];
        var outcomes = new Outcome[devices.Count];
        Parallel.For(0, devices.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, i => outcomes[i] = RunOne(action.Kind, devices[i], snapshot, user));
        Store(outcomes, sessionId);
        _log.Audit($"user: {user} devices {action.Name}{(action.Device is null ? string.Empty : " on " + action.Device)}: {string.Join(", ", outcomes.Select(o => $"{o.Device} {o.Result}"))}");

        if (action.Device is not null)
        {
            return outcomes[0].Fields;
        }

        return [.. outcomes
            .Where(o => !action.SuppressPositiveResult || !o.Positive)
            .Select(o => new XElement(NcsDevicesXml.Ns + action.ResultList, new XElement(NcsDevicesXml.Ns + "device", o.Device), o.Fields))];
    }

    /// <summary>One device's part. Never throws: a failure is the outcome's info.</summary>
    private static Outcome RunOne(DeviceActionKind kind, ManagedDevice device, IReadOnlyList<XElement> snapshot, string user)
    {
        try
        {
            if (device.Problem is { } problem)
            {
                throw DeviceFailure.Connect(device.Name, problem);
            }

            return kind switch
            {
                DeviceActionKind.FetchSshHostKeys => FetchHostKey(device, snapshot),
                DeviceActionKind.Connect => Connect(device, snapshot, user),
                DeviceActionKind.SyncFrom => SyncFrom(device, snapshot, user),
                _ => CheckSync(device, snapshot, user),
            };
        }
        catch (DeviceFailure failure)
        {
            var result = kind switch
            {
                DeviceActionKind.FetchSshHostKeys => "failed",
                DeviceActionKind.CheckSync => "error",
                _ => "false",
            };
            return new Outcome(device.Name, result, false, [Leaf("result", result), Leaf("info", failure.Message)]);
        }
    }

    private static Outcome FetchHostKey(ManagedDevice device, IReadOnlyList<XElement> snapshot)
    {
        var presented = WithSshLibrary(device.Name, () => DeviceConnection.FetchHostKey(device, NcsDevicesXml.Timeouts(snapshot).Connect));
        var unchanged = device.HostKeys.Any(k => k.Algorithm == presented.Algorithm && k.KeyData == presented.KeyData);
        var result = unchanged ? "unchanged" : "updated";
        return new Outcome(
            device.Name,
            result,
            true,
            [Leaf("result", result), new XElement(NcsDevicesXml.Ns + "fingerprint", Leaf("algorithm", presented.Algorithm), Leaf("value", presented.Fingerprint))])
        {
            HostKey = unchanged ? null : presented,
        };
    }

    private static Outcome Connect(ManagedDevice device, IReadOnlyList<XElement> snapshot, string user)
    {
        using (Open(device, snapshot, user, out var credentials))
        {
            return new Outcome(device.Name, "true", true, [Leaf("result", "true"), Leaf("info", $"({credentials.RemoteName}) Connected to {device.Name} - {device.Address}:{device.Port}")]);
        }
    }

    private static Outcome SyncFrom(ManagedDevice device, IReadOnlyList<XElement> snapshot, string user)
    {
        using var connection = Open(device, snapshot, user, out _);
        var config = connection.GetConfig();
        return new Outcome(device.Name, "true", true, [Leaf("result", "true")]) { Config = config };
    }

    private static Outcome CheckSync(ManagedDevice device, IReadOnlyList<XElement> snapshot, string user)
    {
        if (device.IsLocked)
        {
            return new Outcome(device.Name, "locked", false, [Leaf("result", "locked")]);
        }

        IReadOnlyList<XElement> live;
        using (var connection = Open(device, snapshot, user, out _))
        {
            live = connection.GetConfig();
        }

        var stored = NcsDevicesXml.DeviceConfig(NcsDevicesXml.DeviceEntry(snapshot, device.Name));
        if (ConfigDiff.Same(live, stored))
        {
            return new Outcome(device.Name, "in-sync", true, [Leaf("result", "in-sync")]);
        }

        return new Outcome(device.Name, "out-of-sync", false, [Leaf("result", "out-of-sync"), Leaf("info", $"got: {Digest(live)} expected: {Digest(stored)}")]);
    }

    /// <summary>A NETCONF session to the device with its authgroup's credentials for <paramref name="user"/>.</summary>
    /// <exception cref="DeviceFailure">Locked, no credentials, or the connection failed.</exception>
    public static DeviceConnection Open(ManagedDevice device, IReadOnlyList<XElement> snapshot, string user, out DeviceCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.IsLocked)
        {
            throw new DeviceFailure($"Device {device.Name} is {device.AdminState}; set {NcsDevicesXml.PathOf(device.Name)}/state/admin-state unlocked");
        }

        var (found, problem) = device.LsaRemoteNode is null
            ? NcsDevicesXml.Credentials(snapshot, device.AuthGroup, user)
            : ClusterCredentials(snapshot, device.AuthGroup, user);
        credentials = found ?? throw DeviceFailure.Authenticate(device.Name, problem);
        var (connect, read) = NcsDevicesXml.Timeouts(snapshot);
        var login = credentials;
        return WithSshLibrary(device.Name, () => DeviceConnection.Open(device, login, connect, read));
    }

    /// <summary>An LSA device logs in with its remote node's cluster authgroup, not a device authgroup (NSO-NOTES §16).</summary>
    private static (DeviceCredentials? Credentials, string Problem) ClusterCredentials(IReadOnlyList<XElement> snapshot, string group, string user) =>
        ClusterXml.AuthGroupEntry(snapshot, group) is { } entry
            ? NcsDevicesXml.CredentialsIn(entry, $"cluster authgroup {group}", snapshot, user)
            : (null, $"cluster authgroup {group} does not exist; add /cluster/authgroup {group} (NSO's factory default one, default, has a default-map with same-user and same-pass)");

    /// <summary>
    /// An LSA device's ned-id is the built-in <c>lsa-netconf</c>, or <c>cisco-nso-nc-X.Y</c> from a package of that
    /// name in the load path (NSO-NOTES §16); null when it is one of them, or the device is not an LSA device.
    /// </summary>
    private string? LsaNedProblem(ManagedDevice device)
    {
        if (device.LsaRemoteNode is null || device.NedId == LsaNetconfNedId)
        {
            return null;
        }

        if (device.NedId is { } nedId && nedId.StartsWith(CiscoNsoNedPrefix, StringComparison.Ordinal))
        {
            return _loadPath.Any(dir => File.Exists(Path.Combine(dir, nedId, "package-meta-data.xml")))
                ? null
                : $"ned-id {nedId} is not loaded: no package {nedId} in the load path ({string.Join(", ", _loadPath)}); link $NCS_DIR/packages/lsa/{nedId} into the packages directory and restart, or use ned-id {LsaNetconfNedId} when both nodes run the same release";
        }

        return $"an LSA device (lsa-remote-node {device.LsaRemoteNode}) needs device-type netconf ned-id {LsaNetconfNedId}, or {CiscoNsoNedPrefix}X.Y for a lower node of another release; it has {device.NedId ?? "none"}";
    }

    /// <summary>
    /// Runs <paramref name="work"/>, which uses SSH.NET: where nso-sim's JIT build was copied without
    /// Renci.SshNet.dll and its dependencies, that is the device's failure, in words, not a crash.
    /// </summary>
    private static T WithSshLibrary<T>(string device, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw DeviceFailure.Connect(device, $"nso-sim cannot load its SSH client ({e.Message}); copy Renci.SshNet.dll and BouncyCastle.Cryptography.dll from nso-sim's build output beside nso-sim.dll", e);
        }
    }

    /// <summary>Saves fetched host keys and synced configurations in one change of running.</summary>
    private void Store(Outcome[] outcomes, uint sessionId)
    {
        if (!outcomes.Any(o => o.HostKey is not null || o.Config is not null))
        {
            return;
        }

        _datastore.Update(sessionId, root =>
        {
            foreach (var outcome in outcomes)
            {
                var entry = NcsDevicesXml.DeviceEntryIn(root, outcome.Device);
                if (outcome.HostKey is { } key)
                {
                    var ssh = entry.Element(NcsDevicesXml.Ns + "ssh") ?? AddTo(entry, new XElement(NcsDevicesXml.Ns + "ssh"));
                    ssh.Elements(NcsDevicesXml.Ns + "host-key").Where(k => NcsDevicesXml.Leaf(k, "algorithm") == key.Algorithm).Remove();
                    ssh.Add(new XElement(NcsDevicesXml.Ns + "host-key", Leaf("algorithm", key.Algorithm), Leaf("key-data", key.KeyData)));
                }

                if (outcome.Config is { } config)
                {
                    entry.Elements(NcsDevicesXml.Ns + "config").Remove();
                    entry.Add(new XElement(NcsDevicesXml.Ns + "config", config));
                }
            }

            return true;
        });
    }

    private static XElement AddTo(XElement parent, XElement child)
    {
        parent.Add(child);
        return child;
    }

    private static XElement Leaf(string name, string value) => new(NcsDevicesXml.Ns + name, value);

    /// <summary>Stands for NSO's transaction ids in check-sync's info: equal configurations, equal digests.</summary>
    private static string Digest(IEnumerable<XElement> config) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ConfigDiff.Canonical(config)))[..16]);

    /// <summary>One device's result; <paramref name="Positive"/> is a success, left out under suppress-positive-result.</summary>
    private sealed record Outcome(string Device, string Result, bool Positive, XElement[] Fields)
    {
        public PresentedHostKey? HostKey { get; init; }

        public IReadOnlyList<XElement>? Config { get; init; }
    }
}
