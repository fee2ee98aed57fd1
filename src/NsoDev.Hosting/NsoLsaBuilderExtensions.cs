using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Lsa;

namespace Aspire.Hosting;

/// <summary>Declares an NSO LSA deployment (an upper CFS node and its lower RFS nodes) in one line.</summary>
public static class NsoLsaBuilderExtensions
{
    /// <summary>The most lower nodes one deployment declares; each is a whole NSO instance on this machine.</summary>
    public const int MaxLowerNodes = 16;

    /// <summary>
    /// Adds an LSA deployment: an upper (CFS) node <c>NAME-upper</c> and <paramref name="lowerNodes"/> lower (RFS) nodes
    /// <c>NAME-lower-1</c> ..., each a normal NSO instance (<c>AddNso</c>), shown under one parent resource. The upper
    /// waits for the lowers. Before it starts, its CDB init data gets a <c>cluster remote-node</c> and an
    /// <c>lsa-remote-node</c> device per lower node, at the lower node's planned NETCONF port; after it starts, NsoDev
    /// fetches the remote nodes' host keys and runs <c>devices sync-from</c>, and the dashboard shows how many are in sync.
    /// The devices' ned-id is <c>lsa-netconf</c> when every node runs the same release, else <c>cisco-nso-nc-X.Y</c>
    /// from the upper's <c>$NCS_DIR/packages/lsa</c>. Reach a node with <see cref="GetUpperNode"/> or
    /// <see cref="GetLowerNode"/>, for instance to give a lower node netsim devices.
    /// </summary>
    /// <param name="builder">The app host builder.</param>
    /// <param name="name">The deployment's name, which prefixes its nodes' names.</param>
    /// <param name="lowerNodes">How many lower nodes, 1 to <see cref="MaxLowerNodes"/>.</param>
    /// <returns>The deployment's builder.</returns>
    public static IResourceBuilder<NsoLsaResource> AddNsoLsa(this IDistributedApplicationBuilder builder, [ResourceName] string name, int lowerNodes = 2)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (lowerNodes is < 1 or > MaxLowerNodes)
        {
            throw new ArgumentOutOfRangeException(nameof(lowerNodes), lowerNodes, $"An LSA deployment needs 1 to {MaxLowerNodes} lower nodes; AddNsoLsa(\"{name}\", {lowerNodes}) asks for {lowerNodes}. Pass a count in that range.");
        }

        var lowers = Enumerable.Range(1, lowerNodes).Select(i => builder.AddNso(LsaNames.Lower(name, i))).ToList();
        var upper = builder.AddNso(LsaNames.Upper(name));
        var lsa = builder.AddResource(new NsoLsaResource(name, upper.Resource, [.. lowers.Select(l => l.Resource)]))
            .WithInitialState(LsaDashboard.InitialSnapshot(lowerNodes))
            .ExcludeFromManifest();
        upper.Resource.Annotations.Add(new LsaUpperAnnotation(lsa.Resource));
        upper.WithParentRelationship(lsa.Resource);
        foreach (var lower in lowers)
        {
            lower.WithParentRelationship(lsa.Resource);
            upper.WaitFor(lower);
        }

        return lsa;
    }

    /// <summary>The upper (CFS) node, to configure it as any NSO instance.</summary>
    /// <param name="builder">The deployment's builder.</param>
    /// <returns>The upper node's builder.</returns>
    public static IResourceBuilder<NsoResource> GetUpperNode(this IResourceBuilder<NsoLsaResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ApplicationBuilder.CreateResourceBuilder(builder.Resource.UpperNode);
    }

    /// <summary>A lower (RFS) node, to configure it as any NSO instance: <c>lsa.GetLowerNode(1).WithNetsimDevices(...)</c>.</summary>
    /// <param name="builder">The deployment's builder.</param>
    /// <param name="number">The lower node's number, from 1.</param>
    /// <returns>The lower node's builder.</returns>
    public static IResourceBuilder<NsoResource> GetLowerNode(this IResourceBuilder<NsoLsaResource> builder, int number)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var lowers = builder.Resource.LowerNodes;
        if (number < 1 || number > lowers.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(number), number, $"LSA deployment '{builder.Resource.Name}' has lower nodes 1 to {lowers.Count}; pass one of those numbers.");
        }

        return builder.ApplicationBuilder.CreateResourceBuilder(lowers[number - 1]);
    }
}
