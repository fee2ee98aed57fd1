using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Configuration;

/// <summary>What a leaf of ncs.conf holds; values are checked after <c>${VAR}</c> substitution.</summary>
internal enum NcsConfType
{
    /// <summary>A container: its children are elements, not text.</summary>
    Container,
    Text,
    Bool,
    Port,
    IpAddress,
}

/// <summary>
/// One element of the ncs.conf schema (<see cref="NcsConfSchema"/>).
/// </summary>
/// <param name="Name">The element's local name.</param>
/// <param name="Type">Container, or the type of the leaf's text.</param>
/// <param name="Many">A list or leaf-list: it may repeat, and fragments add to it instead of replacing it.</param>
/// <param name="Open">
/// A container NSO accepts in full but nso-sim does not interpret: children that are not in the
/// table are accepted unchecked, with their whole subtree. Children that are in it are checked.
/// </param>
/// <param name="Since">The first NSO release with this element; older releases reject it as unknown.</param>
/// <param name="Children">The known children of a container.</param>
internal sealed record NcsConfNode(
    string Name,
    NcsConfType Type,
    bool Many,
    bool Open,
    NsoVersion? Since,
    IReadOnlyList<NcsConfNode> Children)
{
    public bool IsLeaf => Type != NcsConfType.Container;

    public NcsConfNode? Child(string name) => Children.FirstOrDefault(c => c.Name == name);

    public bool ExistsIn(NsoVersion version) => Since is null || version >= Since;
}
