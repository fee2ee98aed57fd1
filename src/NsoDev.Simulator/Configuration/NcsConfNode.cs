using NsoDev.Ipc;

namespace NsoDev.Simulator.Configuration;

/// <summary>What a leaf of ncs.conf holds, for the typed reads of <see cref="NcsConfLeaves"/>.</summary>
internal enum NcsConfType
{
    Bool,
    Port,
    IpAddress,
}

/// <summary>An element's YANG kind: lists and leaf-lists may repeat, leaves and leaf-lists hold a value.</summary>
internal enum NcsConfKind
{
    Container,
    Leaf,
    LeafList,
    List,
}

/// <summary>An element's kind and value type in the releases <paramref name="First"/> to <paramref name="Last"/>.</summary>
/// <param name="Kind">Container, leaf, leaf-list or list.</param>
/// <param name="Type">What a leaf's value is checked against; null accepts any text.</param>
/// <param name="First">The first release with this shape.</param>
/// <param name="Last">The last release with this shape.</param>
internal sealed record NcsConfShape(NcsConfKind Kind, NcsConfValueType? Type, NsoRelease First, NsoRelease Last)
{
    /// <summary>A list or leaf-list: it may repeat, and a fragment adds to it instead of replacing it.</summary>
    public bool Many => Kind is NcsConfKind.List or NcsConfKind.LeafList;

    public bool IsLeaf => Kind is NcsConfKind.Leaf or NcsConfKind.LeafList;

    public bool Covers(NsoRelease release) => First <= release && release <= Last;
}

/// <summary>
/// One element of the ncs.conf tree (<see cref="NcsConfSchema"/>), with its shape in each release
/// that has it; a release with no shape lacks the element.
/// </summary>
internal sealed class NcsConfNode(string name, string path)
{
    private readonly List<NcsConfShape> _shapes = [];
    private readonly Dictionary<string, NcsConfNode> _children = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary>Sample: <c>/ncs-config/cli/ssh/port</c>.</summary>
    public string Path { get; } = path;

    public NcsConfNode? Child(string name) => _children.GetValueOrDefault(name);

    public NcsConfShape? In(NsoRelease release) => _shapes.FirstOrDefault(s => s.Covers(release));

    public NsoRelease FirstRelease => _shapes.Min(s => s.First);

    /// <summary>The releases that have it, for messages. Sample: <c>6.1 to 6.4</c>.</summary>
    public string Releases
    {
        get
        {
            var ranges = new List<(NsoRelease First, NsoRelease Last)>();
            foreach (var shape in _shapes.OrderBy(s => s.First))
            {
                if (ranges.Count > 0 && ranges[^1].Last with { Minor = ranges[^1].Last.Minor + 1 } == shape.First)
                {
                    ranges[^1] = (ranges[^1].First, shape.Last);
                }
                else
                {
                    ranges.Add((shape.First, shape.Last));
                }
            }

            return string.Join(", ", ranges.Select(r => r.First == r.Last ? r.First.ToString() : $"{r.First} to {r.Last}"));
        }
    }

    internal NcsConfNode GetOrAddChild(string name) =>
        _children.TryGetValue(name, out var child) ? child : _children[name] = new NcsConfNode(name, Path + "/" + name);

    internal void AddShape(NcsConfShape shape) => _shapes.Add(shape);
}
