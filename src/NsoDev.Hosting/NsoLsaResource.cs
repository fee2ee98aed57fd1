namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// An LSA deployment (<c>AddNsoLsa</c>): an upper (CFS) NSO node that manages its lower (RFS) nodes as devices
/// over NETCONF. It runs nothing itself; it is the dashboard parent of its nodes, each a normal
/// <see cref="NsoResource"/>, and shows how many remote nodes the upper has in sync.
/// </summary>
public sealed class NsoLsaResource : Resource
{
    /// <summary>Creates the deployment's parent resource.</summary>
    /// <param name="name">The deployment's name, which prefixes its nodes' names.</param>
    /// <param name="upperNode">The upper (CFS) node.</param>
    /// <param name="lowerNodes">The lower (RFS) nodes, in order.</param>
    public NsoLsaResource(string name, NsoResource upperNode, IReadOnlyList<NsoResource> lowerNodes)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(upperNode);
        ArgumentNullException.ThrowIfNull(lowerNodes);
        UpperNode = upperNode;
        LowerNodes = lowerNodes;
    }

    /// <summary>The upper (CFS) node, <c>NAME-upper</c>.</summary>
    public NsoResource UpperNode { get; }

    /// <summary>The lower (RFS) nodes, <c>NAME-lower-1</c> to <c>NAME-lower-N</c>.</summary>
    public IReadOnlyList<NsoResource> LowerNodes { get; }
}
