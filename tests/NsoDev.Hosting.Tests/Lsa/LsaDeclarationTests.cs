using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Lsa;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Tests.Netsim;

namespace NsoDev.Hosting.Tests.Lsa;

/// <summary>AddNsoLsa declares an upper and its lower nodes as normal instances under one parent, the upper waiting for each lower.</summary>
public sealed class LsaDeclarationTests : IDisposable
{
    private readonly NedPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void The_nodes_are_instances_named_after_the_deployment_each_a_child_of_its_parent_resource()
    {
        var builder = DistributedApplication.CreateBuilder([]);

        var lsa = builder.AddNsoLsa("lsa", lowerNodes: 2);

        var instances = builder.Resources.OfType<NsoResource>().Select(r => r.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["lsa-lower-1", "lsa-lower-2", "lsa-upper"], instances);
        Assert.Equal("lsa-upper", lsa.Resource.UpperNode.Name);
        Assert.Equal(["lsa-lower-1", "lsa-lower-2"], lsa.Resource.LowerNodes.Select(r => r.Name));
        Assert.Same(lsa.Resource, Assert.Single(builder.Resources.OfType<NsoLsaResource>()));
        foreach (var node in lsa.Resource.LowerNodes.Append(lsa.Resource.UpperNode))
        {
            Assert.Contains(node.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent" && ReferenceEquals(r.Resource, lsa.Resource));
        }

        Assert.Same(lsa.Resource, Assert.Single(lsa.Resource.UpperNode.Annotations.OfType<LsaUpperAnnotation>()).Lsa);
        Assert.All(lsa.Resource.LowerNodes, l => Assert.Empty(l.Annotations.OfType<LsaUpperAnnotation>()));
    }

    [Fact]
    public void The_upper_waits_for_every_lower_node_and_no_lower_node_waits_for_anything()
    {
        var builder = DistributedApplication.CreateBuilder([]);

        var lsa = builder.AddNsoLsa("lsa", lowerNodes: 3);

        var waits = lsa.Resource.UpperNode.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource).ToList();
        Assert.Equal(lsa.Resource.LowerNodes, waits);
        Assert.All(lsa.Resource.LowerNodes, l => Assert.Empty(l.Annotations.OfType<WaitAnnotation>()));
    }

    [Fact]
    public void A_lower_node_reached_by_number_takes_netsim_devices_as_any_instance_does()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var lsa = builder.AddNsoLsa("lsa", lowerNodes: 2);

        var lower = lsa.GetLowerNode(2).WithNetsimDevices(_packages.Create("router-nc-1.1"), 2, "ex");

        Assert.Same(lsa.Resource.LowerNodes[1], lower.Resource);
        Assert.Same(lsa.Resource.UpperNode, lsa.GetUpperNode().Resource);
        Assert.Equal(["lsa-lower-2-ex0", "lsa-lower-2-ex1"], lower.Resource.Declaration().DeviceResources.Select(d => d.Name));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    public void A_lower_node_count_out_of_range_is_refused_with_the_range(int count)
    {
        var builder = DistributedApplication.CreateBuilder([]);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddNsoLsa("lsa", count));

        Assert.StartsWith($"An LSA deployment needs 1 to 16 lower nodes; AddNsoLsa(\"lsa\", {count}) asks for {count}. Pass a count in that range.", e.Message, StringComparison.Ordinal);
        Assert.Empty(builder.Resources.OfType<NsoResource>());
    }

    [Fact]
    public void A_lower_node_number_that_does_not_exist_names_the_ones_that_do()
    {
        var lsa = DistributedApplication.CreateBuilder([]).AddNsoLsa("lsa", lowerNodes: 2);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => lsa.GetLowerNode(3));

        Assert.StartsWith("LSA deployment 'lsa' has lower nodes 1 to 2; pass one of those numbers.", e.Message, StringComparison.Ordinal);
    }
}
