using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Devices;

namespace NsoDev.Simulator.Cli;

/// <summary>What one command line produced.</summary>
/// <param name="Lines">Output, without line ends (the shell uses CR LF, exec LF).</param>
/// <param name="Failed">A syntax error: exec exits 1.</param>
/// <param name="Exit">exit or quit: the session ends.</param>
internal sealed record CliOutcome(IReadOnlyList<string> Lines, bool Failed = false, bool Exit = false)
{
    public static CliOutcome Nothing { get; } = new([]);
}

/// <summary>
/// The commands of nso-sim's C-style CLI, shared by the shell and exec: <c>show ncs-state</c> with an
/// optional path into it (<c>show ncs-state version</c>), <c>show devices</c> likewise (<c>show devices device
/// d0 state</c>), <c>show cluster</c>, <c>show running-config</c>, the device actions (<c>devices sync-from</c>, <c>devices device
/// d0 connect</c>, <c>cluster remote-node NAME ssh fetch-host-keys</c>, see <see cref="DeviceCliCommands"/>), <c>exit</c> and <c>quit</c>. Words may be shortened to any unique prefix (<c>sh run</c>, <c>sh ncs-state ver</c>), as
/// in NSO. A show command may end in <c>| nomore</c>, which NSO's examples add to every show they run
/// (nso-sim has no pager, so it changes nothing); no other pipe is simulated (NSO-NOTES §8). A bad
/// word gets NSO's two-line error, the caret under it:
/// <code>
/// admin@ncs# show foo
/// ----------------^
/// syntax error: unknown argument
/// </code>
/// </summary>
internal sealed class CliCommands
{
    private static readonly string[] Commands = ["show", "devices", "cluster", "ha-raft", "exit", "quit"];
    private static readonly string[] ShowTargets = ["ncs-state", "devices", "cluster", "running-config", "ha-raft"];
    private static readonly string[] Pipes = ["nomore"];

    private readonly RunningDatastore _datastore;
    private readonly INcsState _state;
    private readonly DeviceCliCommands? _devices;
    private readonly HaRaftCliCommands? _haRaft;

    /// <summary>
    /// The commands on <paramref name="datastore"/> and <paramref name="state"/>; the <c>devices</c> actions run on
    /// <paramref name="devices"/> and <c>ha-raft</c> on <paramref name="haRaft"/>, each absent when it is null.
    /// </summary>
    public CliCommands(RunningDatastore datastore, INcsState state, DeviceManager? devices = null, HaRaft.HaRaftNode? haRaft = null)
    {
        ArgumentNullException.ThrowIfNull(datastore);
        ArgumentNullException.ThrowIfNull(state);
        _datastore = datastore;
        _state = state;
        _devices = devices is null ? null : new DeviceCliCommands(devices);
        _haRaft = haRaft is null ? null : new HaRaftCliCommands(haRaft);
    }

    /// <param name="line">The command line as typed.</param>
    /// <param name="column">Where the line starts on the screen (the prompt's length), for the caret.</param>
    /// <param name="user">Who runs it: the device actions log in with the authgroup's credentials for this user.</param>
    public CliOutcome Run(string line, int column, string user = AaaUsersDefault)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = Split(line);
        if (words.Count == 0)
        {
            return CliOutcome.Nothing;
        }

        switch (Complete(words[0].Text, Commands))
        {
            case null:
                return SyntaxError(column + words[0].Start, "unknown command");
            case "exit" or "quit":
                return words.Count > 1 ? SyntaxError(column + words[1].Start, "unknown argument") : new CliOutcome([], Exit: true);
        }

        // show ... [| nomore]: each pipe is "|" and one target.
        var pipe = words.FindIndex(w => w.Text == "|");
        if (pipe >= 0)
        {
            for (var i = pipe; i < words.Count; i += 2)
            {
                if (words[i].Text != "|")
                {
                    return SyntaxError(column + words[i].Start, "unknown argument");
                }

                if (i + 1 == words.Count)
                {
                    return SyntaxError(column + line.TrimEnd().Length + 1, "incomplete command");
                }

                if (Complete(words[i + 1].Text, Pipes) is null)
                {
                    return SyntaxError(column + words[i + 1].Start, "unknown argument");
                }
            }

            words = words[..pipe];
        }

        if (Complete(words[0].Text, Commands) == "devices")
        {
            return _devices is null
                ? SyntaxError(column + words[0].Start, "unknown command")
                : _devices.Run(words[1..], column, line.TrimEnd().Length, user);
        }

        if (Complete(words[0].Text, Commands) == "cluster")
        {
            return _devices is null
                ? SyntaxError(column + words[0].Start, "unknown command")
                : _devices.RunCluster(words[1..], column, line.TrimEnd().Length, user);
        }

        if (Complete(words[0].Text, Commands) == "ha-raft")
        {
            return _haRaft is null
                ? SyntaxError(column + words[0].Start, "unknown command")
                : _haRaft.Run(words[1..], column, line.TrimEnd().Length);
        }

        if (words.Count == 1)
        {
            return SyntaxError(column + (pipe >= 0 ? words[0].Start + words[0].Text.Length + 1 : line.TrimEnd().Length + 1), "incomplete command");
        }

        switch (Complete(words[1].Text, ShowTargets))
        {
            case "ncs-state":
                return ShowPath(NcsStateXml.Build(_state), words[2..], column);
            case "devices":
                return ShowPath(DeviceCliCommands.ShowRoot(_datastore.Current.Nodes), words[2..], column);
            case "cluster":
                return ShowPath(new XElement(ClusterXml.Cluster(_datastore.Current.Nodes) ?? new XElement(NcsDevicesXml.Ns + "cluster")), words[2..], column);
            case "running-config" when words.Count == 2:
                return ShowRunningConfig();
            case "running-config":
                return SyntaxError(column + words[2].Start, "unknown argument");
            case "ha-raft" when _haRaft is not null:
                return _haRaft.Show(words[2..], column);
            default:
                return SyntaxError(column + words[1].Start, "unknown argument");
        }
    }

    /// <summary>
    /// <c>show ncs-state [PATH]</c> and <c>show devices [PATH]</c>: each word of the path names a child element
    /// (by unique prefix), or, right after a list, one entry's key (<c>show ncs-state listener cli-ssh</c>). What
    /// is selected is shown with the path down to it, as NSO's C-style show does: <c>ncs-state version 6.5</c>.
    /// </summary>
    private static CliOutcome ShowPath(XElement root, List<(string Text, int Start)> path, int column)
    {
        List<XElement> selected = [root];
        var entriesOfList = false;
        foreach (var (word, start) in path)
        {
            if (entriesOfList && selected.Where(e => ListEntryKey.NamedKeyOf(e)?.Value.Trim() == word).ToList() is { Count: > 0 } entries)
            {
                selected = entries;
                entriesOfList = false;
                continue;
            }

            var names = selected.SelectMany(e => e.Elements()).Select(e => e.Name.LocalName).Distinct(StringComparer.Ordinal).ToArray();
            if (Complete(word, names) is not { } name)
            {
                return SyntaxError(column + start, "unknown argument");
            }

            selected = [.. selected.SelectMany(e => e.Elements().Where(c => c.Name.LocalName == name))];
            entriesOfList = selected.Any(e => ListEntryKey.NamedKeyOf(e) is not null);
        }

        return new CliOutcome(CStyleRenderer.Render([Pruned(root, selected.ToHashSet())!]));
    }

    /// <summary><paramref name="node"/> with only the <paramref name="selected"/> elements, whole, and the way down to them (list keys included).</summary>
    private static XElement? Pruned(XElement node, HashSet<XElement> selected)
    {
        if (selected.Contains(node))
        {
            return new XElement(node);
        }

        var children = node.Elements().Select(c => Pruned(c, selected)).OfType<XElement>().ToList();
        if (children.Count == 0)
        {
            return null;
        }

        if (ListEntryKey.NamedKeyOf(node) is { } key && !children.Any(c => c.Name == key.Name))
        {
            children.Insert(0, new XElement(key));
        }

        return new XElement(node.Name, children);
    }

    private CliOutcome ShowRunningConfig()
    {
        var snapshot = _datastore.Current;
        return new CliOutcome(snapshot.IsEmpty ? ["% No entries found."] : CStyleRenderer.Render(snapshot.Nodes));
    }

    private const string AaaUsersDefault = "admin";

    internal static CliOutcome SyntaxError(int caretColumn, string problem) =>
        new([new string('-', caretColumn) + "^", "syntax error: " + problem], Failed: true);

    /// <summary>The word itself, or the only candidate it is a prefix of; null otherwise.</summary>
    internal static string? Complete(string word, string[] candidates)
    {
        if (candidates.Contains(word, StringComparer.Ordinal))
        {
            return word;
        }

        var matches = candidates.Where(c => c.StartsWith(word, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    private static List<(string Text, int Start)> Split(string line)
    {
        var words = new List<(string, int)>();
        var i = 0;
        while (i < line.Length)
        {
            if (char.IsWhiteSpace(line[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            words.Add((line[start..i], start));
        }

        return words;
    }
}
