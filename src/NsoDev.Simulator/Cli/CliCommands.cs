using NsoDev.Simulator.DataStore;

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
/// The commands of nso-sim's C-style CLI, shared by the shell and exec: <c>show ncs-state</c>,
/// <c>show running-config</c>, <c>exit</c> and <c>quit</c>. Words may be shortened to any unique
/// prefix (<c>sh run</c>), as in NSO. A bad word gets NSO's two-line error, the caret under it:
/// <code>
/// admin@ncs# show foo
/// ----------------^
/// syntax error: unknown argument
/// </code>
/// </summary>
internal sealed class CliCommands
{
    private static readonly string[] Commands = ["show", "exit", "quit"];
    private static readonly string[] ShowTargets = ["ncs-state", "running-config"];

    private readonly RunningDatastore _datastore;
    private readonly INcsState _state;

    public CliCommands(RunningDatastore datastore, INcsState state)
    {
        ArgumentNullException.ThrowIfNull(datastore);
        ArgumentNullException.ThrowIfNull(state);
        _datastore = datastore;
        _state = state;
    }

    /// <param name="line">The command line as typed.</param>
    /// <param name="column">Where the line starts on the screen (the prompt's length), for the caret.</param>
    public CliOutcome Run(string line, int column)
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

        if (words.Count == 1)
        {
            return SyntaxError(column + line.TrimEnd().Length + 1, "incomplete command");
        }

        if (words.Count > 2)
        {
            return SyntaxError(column + words[2].Start, "unknown argument");
        }

        return Complete(words[1].Text, ShowTargets) switch
        {
            "ncs-state" => new CliOutcome(CStyleRenderer.Render([NcsStateXml.Build(_state)])),
            "running-config" => ShowRunningConfig(),
            _ => SyntaxError(column + words[1].Start, "unknown argument"),
        };
    }

    private CliOutcome ShowRunningConfig()
    {
        var snapshot = _datastore.Current;
        return new CliOutcome(snapshot.IsEmpty ? ["% No entries found."] : CStyleRenderer.Render(snapshot.Nodes));
    }

    private static CliOutcome SyntaxError(int caretColumn, string problem) =>
        new([new string('-', caretColumn) + "^", "syntax error: " + problem], Failed: true);

    /// <summary>The word itself, or the only candidate it is a prefix of; null otherwise.</summary>
    private static string? Complete(string word, string[] candidates)
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
