using System.Xml.Linq;
using NsoDev.Simulator.HaRaft;

namespace NsoDev.Simulator.Cli;

/// <summary>
/// HA Raft in the C-style CLI, each word by unique prefix:
/// <code>
/// ha-raft create-cluster member [ ncsd2@127.0.0.1:4572 ncsd3@127.0.0.1:4573 ]
/// ha-raft handover [to-member ncsd2@127.0.0.1:4572]
/// show ha-raft [status [role|leader|member|connected-node|local-node|log [...]]]
/// </code>
/// An action that works prints nothing, as NSO's HA chapter shows; one that fails prints <c>Error: ...</c>. The
/// status is shown as NSO's <c>show ha-raft</c> shows it, leaf-lists in brackets:
/// <code>
/// ha-raft status role leader
/// ha-raft status leader ncsd1@127.0.0.1
/// ha-raft status member [ ncsd1@127.0.0.1 ncsd2@127.0.0.1 ncsd3@127.0.0.1 ]
/// </code>
/// </summary>
internal sealed class HaRaftCliCommands(HaRaftNode node)
{
    /// <summary>How long an action may take; every member is asked within a few ticks.</summary>
    public static readonly TimeSpan ActionTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] Actions = ["create-cluster", "handover", "adjust-membership", "disconnect", "reset", "read-only"];

    /// <param name="words">The words after <c>ha-raft</c>.</param>
    /// <param name="column">Where the line starts on the screen, for the caret.</param>
    /// <param name="lineLength">The typed line's length, for the caret of an incomplete command.</param>
    public CliOutcome Run(List<(string Text, int Start)> words, int column, int lineLength)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words.Count == 0)
        {
            return CliCommands.SyntaxError(column + lineLength + 1, "incomplete command");
        }

        switch (CliCommands.Complete(words[0].Text, Actions))
        {
            case "create-cluster":
                return CreateCluster(words[1..], column, lineLength);
            case "handover":
                return Handover(words[1..], column, lineLength);
            case null:
                return CliCommands.SyntaxError(column + words[0].Start, "unknown argument");
            case var other:
                return new CliOutcome([$"Error: nso-sim does not simulate ha-raft {other}; it runs create-cluster and handover"], Failed: true);
        }
    }

    /// <summary><c>show ha-raft [PATH]</c>.</summary>
    public CliOutcome Show(List<(string Text, int Start)> path, int column)
    {
        ArgumentNullException.ThrowIfNull(path);
        var root = HaRaftXml.Build(node.Status);
        var selected = root;
        var prefix = new List<string> { root.Name.LocalName };
        foreach (var (word, start) in path)
        {
            var names = selected.Elements().Select(e => e.Name.LocalName).Distinct(StringComparer.Ordinal).ToArray();
            if (!selected.HasElements || CliCommands.Complete(word, names) is not { } name)
            {
                return CliCommands.SyntaxError(column + start, "unknown argument");
            }

            var matches = selected.Elements().Where(e => e.Name.LocalName == name).ToList();
            if (matches.Count > 1 || !matches[0].HasElements)
            {
                // A leaf, a leaf-list, or the list: shown whole, with the way down to it.
                return new CliOutcome(Render(matches, prefix));
            }

            selected = matches[0];
            prefix.Add(name);
        }

        return new CliOutcome(Render(selected.Elements(), prefix));
    }

    private CliOutcome CreateCluster(List<(string Text, int Start)> words, int column, int lineLength)
    {
        if (words.Count == 0)
        {
            return CliCommands.SyntaxError(column + lineLength + 1, "incomplete command");
        }

        if (CliCommands.Complete(words[0].Text, ["member"]) is null)
        {
            return CliCommands.SyntaxError(column + words[0].Start, "unknown argument");
        }

        var members = LeafListValues(words[1..]);
        if (members.Count == 0)
        {
            return CliCommands.SyntaxError(column + lineLength + 1, "incomplete command");
        }

        return RunAction(token => node.CreateClusterAsync(members, token));
    }

    private CliOutcome Handover(List<(string Text, int Start)> words, int column, int lineLength)
    {
        string? toMember = null;
        if (words.Count > 0)
        {
            if (CliCommands.Complete(words[0].Text, ["to-member"]) is null)
            {
                return CliCommands.SyntaxError(column + words[0].Start, "unknown argument");
            }

            if (words.Count == 1)
            {
                return CliCommands.SyntaxError(column + lineLength + 1, "incomplete command");
            }

            if (words.Count > 2)
            {
                return CliCommands.SyntaxError(column + words[2].Start, "unknown argument");
            }

            toMember = words[1].Text;
        }

        return RunAction(token => node.HandoverAsync(toMember, token));
    }

    private static CliOutcome RunAction(Func<CancellationToken, Task> action)
    {
        using var timeout = new CancellationTokenSource(ActionTimeout);
        try
        {
            action(timeout.Token).GetAwaiter().GetResult();
            return CliOutcome.Nothing;
        }
        catch (HaRaftActionException e)
        {
            return new CliOutcome(["Error: " + e.Message], Failed: true);
        }
        catch (OperationCanceledException)
        {
            return new CliOutcome([$"Error: the action did not finish within {ActionTimeout.TotalSeconds:0} s; see logs/raft.log"], Failed: true);
        }
    }

    /// <summary>A leaf-list's values as the CLI takes them: <c>[ a b ]</c>, or one value alone.</summary>
    private static List<string> LeafListValues(List<(string Text, int Start)> words) =>
        [.. words.SelectMany(w => w.Text.Split(['[', ']'], StringSplitOptions.RemoveEmptyEntries))];

    private static List<string> Render(IEnumerable<XElement> nodes, List<string> prefix)
    {
        var lines = new List<string>();
        RenderChildren(nodes.ToList(), string.Join(' ', prefix) + " ", lines);
        return lines;
    }

    private static void RenderChildren(List<XElement> children, string prefix, List<string> lines)
    {
        foreach (var group in children.GroupBy(c => c.Name.LocalName))
        {
            if (HaRaftXml.LeafLists.Contains(group.Key))
            {
                lines.Add($"{prefix}{group.Key} [ {string.Join(' ', group.Select(e => e.Value))} ]");
                continue;
            }

            foreach (var child in group)
            {
                if (!child.HasElements)
                {
                    lines.Add($"{prefix}{child.Name.LocalName} {child.Value}");
                }
                else if (child.Elements().First() is { Name.LocalName: "node" } key)
                {
                    // A list entry, keyed by its first leaf, as CStyleRenderer shows them.
                    lines.Add($"{prefix}{child.Name.LocalName} {key.Value}");
                    var leaves = child.Elements().Skip(1).ToList();
                    var width = leaves.Select(l => l.Name.LocalName.Length).DefaultIfEmpty(0).Max();
                    lines.AddRange(leaves.Select(l => $" {l.Name.LocalName.PadRight(width)} {l.Value}"));
                    lines.Add("!");
                }
                else
                {
                    RenderChildren([.. child.Elements()], prefix + child.Name.LocalName + " ", lines);
                }
            }
        }
    }
}
