using NsoDev.Ipc;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// The ncs.conf element tree of every NSO release nso-sim simulates, read from the embedded
/// <c>ncs-config-tree.txt</c> (docs/NSO-NOTES.md §1; made by <c>tools/ncs-config-tree/derive.py</c>
/// from the public ncs.conf(5) pages and the 6.2.5 YANG). An element a release lacks is an unknown
/// element, and the daemon exits 21, as NSO does. Sample lines:
/// <code>
/// releases 6.1 6.2 6.3 6.4 6.5 6.6 6.7
/// /ncs-config/ncs-ipc-address/port leaf port 6.1- yang
/// /ncs-config/encrypted-strings/DES3CBC container - 6.1-6.4 yang
/// /ncs-config/ha-raft/seed-nodes/seed-node leaf-list - 6.1-6.6 yang
/// /ncs-config/ha-raft/seed-nodes/seed-node list - 6.7- lenient
/// </code>
/// </summary>
internal static class NcsConfSchema
{
    public const string ResourceName = "ncs-config-tree.txt";

    private static readonly Lazy<(NcsConfNode Root, IReadOnlyList<NsoRelease> Releases)> Tree = new(LoadEmbedded);

    public static NcsConfNode Root => Tree.Value.Root;

    /// <summary>The releases whose tree is known, oldest first: the releases nso-sim can simulate.</summary>
    public static IReadOnlyList<NsoRelease> Releases => Tree.Value.Releases;

    /// <summary>The first release with <c>ncs-local-ipc</c>: 6.4 (see the data file's header).</summary>
    public static NsoRelease LocalIpcSince => Root.Child("ncs-local-ipc")!.FirstRelease;

    /// <summary>Sample: <c>6.1 to 6.7</c>.</summary>
    public static string ReleaseSpan => $"{Releases[0]} to {Releases[^1]}";

    /// <exception cref="FormatException">A line that is not PATH KIND TYPE RELEASES SOURCE.</exception>
    public static (NcsConfNode Root, IReadOnlyList<NsoRelease> Releases) Parse(TextReader reader)
    {
        var root = new NcsConfNode("ncs-config", "/ncs-config");
        List<NsoRelease>? releases = null;
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            try
            {
                if (fields[0] == "releases")
                {
                    releases = [.. fields.Skip(1).Select(NsoRelease.Parse)];
                    continue;
                }

                if (releases is null || fields.Length != 5 || (fields[0] + "/").Split('/', 3) is not ["", "ncs-config", var below])
                {
                    throw new FormatException("expected PATH KIND TYPE RELEASES SOURCE after the releases line");
                }

                var node = root;
                foreach (var step in below.Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    node = node.GetOrAddChild(step);
                }

                var (first, last) = Range(fields[3], releases);
                node.AddShape(new NcsConfShape(Kind(fields[1]), NcsConfValueType.Parse(fields[2]), first, last));
            }
            catch (FormatException e)
            {
                throw new FormatException($"{ResourceName}:{number}: {e.Message}", e);
            }
        }

        return releases is { Count: > 0 } ? (root, releases) : throw new FormatException($"{ResourceName}: no releases line");
    }

    private static (NcsConfNode Root, IReadOnlyList<NsoRelease> Releases) LoadEmbedded()
    {
        using var stream = typeof(NcsConfSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"nso-sim is built without its {ResourceName} resource");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }

    /// <summary><c>6.1-</c> (to the newest release), <c>6.1-6.4</c> or <c>6.4</c>.</summary>
    private static (NsoRelease First, NsoRelease Last) Range(string text, IReadOnlyList<NsoRelease> releases)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            var only = NsoRelease.Parse(text);
            return (only, only);
        }

        var first = NsoRelease.Parse(text[..dash]);
        return (first, dash == text.Length - 1 ? releases[^1] : NsoRelease.Parse(text[(dash + 1)..]));
    }

    private static NcsConfKind Kind(string text) => text switch
    {
        "container" => NcsConfKind.Container,
        "leaf" => NcsConfKind.Leaf,
        "leaf-list" => NcsConfKind.LeafList,
        "list" => NcsConfKind.List,
        _ => throw new FormatException($"unknown kind \"{text}\""),
    };
}
