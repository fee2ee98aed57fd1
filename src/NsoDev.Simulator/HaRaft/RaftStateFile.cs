using System.Globalization;

namespace NsoDev.Simulator.HaRaft;

/// <summary>What a node keeps across a restart: its term, its vote in that term, the last applied index and the members.</summary>
internal sealed record RaftPersistentState(long Term, string? VotedFor, long AppliedIndex, IReadOnlyList<string> Members)
{
    public static RaftPersistentState Empty { get; } = new(0, null, 0, []);
}

/// <summary>
/// <c>state/ha-raft.state</c> in the run directory, one fact a line, replaced whole (written aside, then renamed),
/// so a crash leaves the old file or the new one:
/// <code>
/// term 3
/// voted-for ncsd1@127.0.0.1:4571
/// applied-index 7
/// member ncsd1@127.0.0.1:4571
/// member ncsd2@127.0.0.1:4572
/// </code>
/// NSO keeps its Raft log and state in its own files; this is nso-sim's.
/// </summary>
internal sealed class RaftStateFile(string path)
{
    public const string FileName = "ha-raft.state";

    public string FilePath { get; } = path;

    /// <exception cref="IOException">The file exists but cannot be read or is not one nso-sim wrote.</exception>
    public RaftPersistentState Load()
    {
        if (!File.Exists(FilePath))
        {
            return RaftPersistentState.Empty;
        }

        long term = 0, applied = 0;
        string? votedFor = null;
        var members = new List<string>();
        foreach (var line in File.ReadAllLines(FilePath))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var (key, value) = space < 0 ? (line, string.Empty) : (line[..space], line[(space + 1)..].Trim());
            switch (key)
            {
                case "term":
                    term = Number(value, line);
                    break;
                case "voted-for":
                    votedFor = value.Length == 0 ? null : value;
                    break;
                case "applied-index":
                    applied = Number(value, line);
                    break;
                case "member":
                    members.Add(value);
                    break;
                case "":
                    break;
                default:
                    throw new IOException($"{FilePath}: unknown line \"{line}\"; remove the file to make this node leave its cluster (it starts stalled)");
            }
        }

        return new RaftPersistentState(term, votedFor, applied, members);
    }

    public void Save(RaftPersistentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var lines = new List<string>
        {
            "term " + state.Term.ToString(CultureInfo.InvariantCulture),
            "voted-for " + (state.VotedFor ?? string.Empty),
            "applied-index " + state.AppliedIndex.ToString(CultureInfo.InvariantCulture),
        };
        lines.AddRange(state.Members.Select(m => "member " + m));
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var aside = FilePath + ".new";
        File.WriteAllLines(aside, lines);
        File.Move(aside, FilePath, overwrite: true);
    }

    private long Number(string value, string line) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new IOException($"{FilePath}: \"{line}\" has no number; remove the file to make this node leave its cluster (it starts stalled)");
}
