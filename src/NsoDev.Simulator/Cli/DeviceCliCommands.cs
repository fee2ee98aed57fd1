using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Devices;

namespace NsoDev.Simulator.Cli;

/// <summary>
/// The device actions in the C-style CLI (NSO-NOTES §11), each word by unique prefix:
/// <code>
/// devices fetch-ssh-host-keys|connect|sync-from|check-sync [suppress-positive-result]
/// devices device NAME connect|sync-from|check-sync
/// devices device NAME ssh fetch-host-keys
/// </code>
/// Output as NSO prints it (<see cref="ActionOutputRenderer"/>); a device's failure is its <c>info</c>.
/// </summary>
internal sealed class DeviceCliCommands(DeviceManager devices)
{
    private static readonly string[] OnAll = ["fetch-ssh-host-keys", "connect", "sync-from", "check-sync", "device"];
    private static readonly string[] OnOne = ["connect", "sync-from", "check-sync", "ssh"];
    private static readonly string[] OnSsh = ["fetch-host-keys"];
    private static readonly string[] AllInput = ["suppress-positive-result"];

    /// <param name="words">The words after <c>devices</c>.</param>
    /// <param name="column">Where the line starts on the screen, for the caret.</param>
    /// <param name="lineLength">The typed line's length, for the caret of an incomplete command.</param>
    /// <param name="user">Who runs the action.</param>
    public CliOutcome Run(List<(string Text, int Start)> words, int column, int lineLength, string user)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words.Count == 0)
        {
            return CliCommands.SyntaxError(column + lineLength + 1, "incomplete command");
        }

        DeviceAction action;
        var verb = CliCommands.Complete(words[0].Text, OnAll);
        if (verb is null)
        {
            return CliCommands.SyntaxError(column + words[0].Start, "unknown argument");
        }

        if (verb == "device")
        {
            if (words.Count < 3)
            {
                return CliCommands.SyntaxError(column + lineLength + 1, "incomplete command");
            }

            var onOne = CliCommands.Complete(words[2].Text, OnOne);
            var rest = 3;
            if (onOne == "ssh")
            {
                if (words.Count < 4)
                {
                    return CliCommands.SyntaxError(column + lineLength + 1, "incomplete command");
                }

                onOne = CliCommands.Complete(words[3].Text, OnSsh);
                rest = 4;
            }

            if (onOne is null)
            {
                return CliCommands.SyntaxError(column + words[rest - 1].Start, "unknown argument");
            }

            if (words.Count > rest)
            {
                return CliCommands.SyntaxError(column + words[rest].Start, "unknown argument");
            }

            action = new DeviceAction(DeviceAction.KindOf(onOne, oneDevice: true)!.Value, words[1].Text);
        }
        else
        {
            var suppress = false;
            foreach (var (text, start) in words[1..])
            {
                if (CliCommands.Complete(text, AllInput) is null || suppress)
                {
                    return CliCommands.SyntaxError(column + start, "unknown argument");
                }

                suppress = true;
            }

            action = new DeviceAction(DeviceAction.KindOf(verb, oneDevice: false)!.Value, null, suppress);
        }

        try
        {
            return new CliOutcome(ActionOutputRenderer.Render(devices.Run(action, user, sessionId: 0)));
        }
        catch (Exception e) when (e is DeviceActionException or DataStoreException)
        {
            return new CliOutcome(["Error: " + e.Message], Failed: true);
        }
    }

    private static readonly string[] OnCluster = ["remote-node"];
    private static readonly string[] OnRemoteNode = ["ssh"];

    /// <summary><c>cluster remote-node NAME ssh fetch-host-keys</c> (NSO-NOTES §16), each word but the name by unique prefix.</summary>
    /// <param name="words">The words after <c>cluster</c>.</param>
    /// <param name="column">Where the line starts on the screen, for the caret.</param>
    /// <param name="lineLength">The typed line's length, for the caret of an incomplete command.</param>
    /// <param name="user">Who runs the action.</param>
    public CliOutcome RunCluster(List<(string Text, int Start)> words, int column, int lineLength, string user)
    {
        ArgumentNullException.ThrowIfNull(words);
        string?[] expected = ["remote-node", null, "ssh", "fetch-host-keys"];
        string[][] candidates = [OnCluster, [], OnRemoteNode, OnSsh];
        for (var i = 0; i < expected.Length; i++)
        {
            if (i == words.Count)
            {
                return CliCommands.SyntaxError(column + lineLength + 1, "incomplete command");
            }

            if (expected[i] is not null && CliCommands.Complete(words[i].Text, candidates[i]) is null)
            {
                return CliCommands.SyntaxError(column + words[i].Start, "unknown argument");
            }
        }

        if (words.Count > expected.Length)
        {
            return CliCommands.SyntaxError(column + words[expected.Length].Start, "unknown argument");
        }

        try
        {
            return new CliOutcome(ActionOutputRenderer.Render(devices.FetchRemoteNodeHostKeys(words[1].Text, user, sessionId: 0)));
        }
        catch (Exception e) when (e is DeviceActionException or DataStoreException)
        {
            return new CliOutcome(["Error: " + e.Message], Failed: true);
        }
    }

    /// <summary>
    /// What <c>show devices</c> walks: the configured device entries, each with the operational
    /// <c>state/oper-state</c> NSO adds (enabled while admin-state is unlocked, disabled otherwise).
    /// </summary>
    public static XElement ShowRoot(IEnumerable<XElement> running)
    {
        var devices = new XElement(NcsDevicesXml.Devices(running) ?? new XElement(NcsDevicesXml.Ns + "devices"));
        foreach (var device in devices.Elements(NcsDevicesXml.Ns + "device"))
        {
            var state = device.Element(NcsDevicesXml.Ns + "state");
            if (state is null)
            {
                state = new XElement(NcsDevicesXml.Ns + "state", new XElement(NcsDevicesXml.Ns + "admin-state", "unlocked"));
                device.Add(state);
            }

            var admin = NcsDevicesXml.Leaf(state, "admin-state") ?? "unlocked";
            state.Add(new XElement(NcsDevicesXml.Ns + "oper-state", admin == "unlocked" ? "enabled" : "disabled"));
        }

        return devices;
    }
}
