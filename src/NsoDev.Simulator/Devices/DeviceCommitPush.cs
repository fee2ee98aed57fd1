using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Devices;

/// <summary>
/// The device side of a commit (NSO-NOTES §11): for every device whose <c>config</c> the commit changes, the
/// difference is sent as an <c>edit-config</c> before running changes. A device that refuses, or cannot be
/// reached, fails the whole commit with its reason, and the devices already changed get the reverse edit, so
/// that NSO and its devices still agree. There are no commit queues.
/// </summary>
internal sealed class DeviceCommitPush(INorthboundLog log) : ICommitParticipant
{
    public Action? Prepare(ConfigSnapshot committed, XElement next, string? user)
    {
        ArgumentNullException.ThrowIfNull(committed);
        ArgumentNullException.ThrowIfNull(next);
        var before = committed.Nodes.ToList();
        var after = next.Elements().ToList();
        var changes = Changes(before, after);
        if (changes.Count == 0)
        {
            return null;
        }

        var localUser = user ?? "admin";
        var pushed = new List<Change>();
        foreach (var change in changes)
        {
            try
            {
                Push(change.Device, after, localUser, change.Forward);
                pushed.Add(change);
            }
            catch (DeviceFailure failure)
            {
                log.Audit($"user: {localUser} commit refused by device {change.Device.Name}: {failure.Message}");
                Undo(pushed, after, localUser);
                throw new DataStoreException(DataStoreError.OperationFailed, failure.Message, NcsDevicesXml.PathOf(change.Device.Name) + "/config");
            }
        }

        log.Audit($"user: {localUser} commit pushed to {string.Join(", ", pushed.Select(c => c.Device.Name))}");
        return () => Undo(pushed, after, localUser);
    }

    /// <summary>Each device whose configuration differs, with the edit from old to new and back.</summary>
    private static List<Change> Changes(IReadOnlyList<XElement> before, IReadOnlyList<XElement> after)
    {
        var changes = new List<Change>();
        foreach (var device in NcsDevicesXml.Read(after))
        {
            var from = NcsDevicesXml.DeviceConfig(NcsDevicesXml.DeviceEntry(before, device.Name));
            var to = NcsDevicesXml.DeviceConfig(NcsDevicesXml.DeviceEntry(after, device.Name));
            var forward = ConfigDiff.Between(from, to);
            if (forward.Count > 0)
            {
                changes.Add(new Change(device, forward, ConfigDiff.Between(to, from)));
            }
        }

        return changes;
    }

    private static void Push(ManagedDevice device, IReadOnlyList<XElement> snapshot, string user, IReadOnlyList<XElement> edit)
    {
        using var connection = DeviceManager.Open(device, snapshot, user, out _);
        connection.EditConfig(edit);
    }

    private void Undo(List<Change> pushed, IReadOnlyList<XElement> snapshot, string user)
    {
        foreach (var change in pushed)
        {
            try
            {
                Push(change.Device, snapshot, user, change.Backward);
            }
            catch (DeviceFailure failure)
            {
                // Nothing more to try: check-sync will show the device out of sync.
                log.Audit($"user: {user} could not undo the change on device {change.Device.Name}: {failure.Message}");
            }
        }
    }

    private sealed record Change(ManagedDevice Device, IReadOnlyList<XElement> Forward, IReadOnlyList<XElement> Backward);
}
