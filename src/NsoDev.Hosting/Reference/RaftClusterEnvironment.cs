using Aspire.Hosting.ApplicationModel;

namespace NsoDev.Hosting.Reference;

/// <summary>
/// What <c>WithReference(cluster)</c> gives a dependent: the leader's NETCONF and CLI host and port (the
/// cluster's <c>ha-primary-listen</c> endpoints, bound by whichever node leads) and the nodes' resource names.
/// </summary>
internal static class RaftClusterEnvironment
{
    public static void Apply(EnvironmentCallbackContext context, NsoRaftClusterResource cluster)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cluster);
        var prefix = NetsimDeviceEnvironment.Prefix(cluster.Name);
        context.EnvironmentVariables[$"{prefix}_NETCONF_HOST"] = cluster.NetconfEndpoint.Property(EndpointProperty.Host);
        context.EnvironmentVariables[$"{prefix}_NETCONF_PORT"] = cluster.NetconfEndpoint.Property(EndpointProperty.Port);
        context.EnvironmentVariables[$"{prefix}_CLI_HOST"] = cluster.CliEndpoint.Property(EndpointProperty.Host);
        context.EnvironmentVariables[$"{prefix}_CLI_PORT"] = cluster.CliEndpoint.Property(EndpointProperty.Port);
        context.EnvironmentVariables[$"{prefix}_NODES"] = string.Join(',', cluster.Nodes.Select(n => n.Name));
    }
}
