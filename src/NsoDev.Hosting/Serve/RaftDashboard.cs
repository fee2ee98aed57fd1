using System.Collections.Immutable;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Raft;

namespace NsoDev.Hosting.Serve;

/// <summary>
/// An HA Raft cluster on the dashboard: the cluster's state (Forming until every node leads or follows,
/// then Running while one leads), its leader and the leader's endpoints; on each node its role and member name.
/// </summary>
internal sealed class RaftDashboard(ResourceNotificationService notifications, TimeProvider timeProvider)
{
    public const string ResourceType = "NSO HA Raft cluster";

    public static CustomResourceSnapshot InitialSnapshot() => new()
    {
        ResourceType = ResourceType,
        State = KnownResourceStates.NotStarted,
        Properties = [],
    };

    /// <summary>The cluster and its nodes after one poll; before the first, the cluster is Starting.</summary>
    public async Task ClusterAsync(NsoRaftClusterResource cluster, RaftClusterPlan plan, IReadOnlyList<RaftNodeView> views, bool formed)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(views);
        var leader = views.FirstOrDefault(v => v.Status?.Role == RaftStatus.LeaderRole);
        var joined = views.Where(v => v.Status?.IsJoined == true).ToList();
        var state = (views.Count, leader, formed) switch
        {
            (0, _, _) => new ResourceStateSnapshot(KnownResourceStates.Starting, KnownResourceStateStyles.Info),
            (_, not null, _) when joined.Count * 2 > views.Count => new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success),
            (_, _, false) => new ResourceStateSnapshot("Forming", KnownResourceStateStyles.Info),
            _ => new ResourceStateSnapshot("No leader", KnownResourceStateStyles.Warn),
        };
        var notJoined = views.Where(v => v.Status?.IsJoined != true).Select(v => $"{v.Node.Resource.Name} {RaftClusterFormation.RoleText(v)}").ToList();
        var members = views.Count == 0
            ? "starting"
            : notJoined.Count == 0 ? $"{joined.Count} of {views.Count} joined" : $"{joined.Count} of {views.Count} joined (not: {string.Join(", ", notJoined)})";
        await notifications.PublishUpdateAsync(cluster, s => s with
        {
            CreationTimeStamp = s.CreationTimeStamp ?? timeProvider.GetUtcNow().UtcDateTime,
            StartTimeStamp = s.StartTimeStamp ?? timeProvider.GetUtcNow().UtcDateTime,
            State = state,
            Properties = NsoDashboard.Merge(s.Properties,
            [
                new(NsoResourceProperties.RaftLeader, leader is null ? "none" : $"{leader.Node.Resource.Name} ({leader.Status!.LocalNode})") { DisplayName = "Leader", IsHighlighted = true },
                new(NsoResourceProperties.RaftMembers, members) { DisplayName = "Members", IsHighlighted = true },
            ]),
            Urls = LeaderUrls(plan, active: leader is not null),
        });

        foreach (var view in views)
        {
            var role = RaftClusterFormation.RoleText(view);
            var properties = new List<ResourcePropertySnapshot>
            {
                new(NsoResourceProperties.RaftRole, view.Problem is { } problem && view.Status is null && view.Running ? $"{role}: {problem}" : role) { DisplayName = "HA Raft role", IsHighlighted = true },
            };
            if (view.Status?.LocalNode is { } local)
            {
                properties.Add(new(NsoResourceProperties.RaftNode, local) { DisplayName = "HA Raft node" });
            }

            await notifications.PublishUpdateAsync(view.Node.Resource, s => s with { Properties = NsoDashboard.Merge(s.Properties, properties) });
        }
    }

    /// <summary>The cluster could not be planned or formed at all.</summary>
    public Task FailedAsync(NsoRaftClusterResource cluster, string reason) =>
        notifications.PublishUpdateAsync(cluster, s => s with
        {
            State = new ResourceStateSnapshot(KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error),
            Properties = NsoDashboard.Merge(s.Properties, [new(NsoResourceProperties.Failure, reason) { DisplayName = "Failure" }]),
        });

    public Task StoppedAsync(NsoRaftClusterResource cluster) =>
        notifications.PublishUpdateAsync(cluster, s => s with
        {
            State = new ResourceStateSnapshot(KnownResourceStates.Finished, KnownResourceStateStyles.Info),
            StopTimeStamp = timeProvider.GetUtcNow().UtcDateTime,
            Urls = [.. s.Urls.Select(u => u with { IsInactive = true })],
        });

    private static ImmutableArray<UrlSnapshot> LeaderUrls(RaftClusterPlan plan, bool active) =>
    [
        new(NsoRaftClusterResource.NetconfEndpointName, $"ssh://{plan.PrimaryListen.Address}:{plan.PrimaryListen.NetconfSshPort.ToString(CultureInfo.InvariantCulture)}", IsInternal: false)
        {
            IsInactive = !active,
            DisplayProperties = new($"Leader NETCONF (port {plan.PrimaryListen.NetconfSshPort.ToString(CultureInfo.InvariantCulture)})", 2),
        },
        new(NsoRaftClusterResource.CliEndpointName, $"ssh://{plan.PrimaryListen.Address}:{plan.PrimaryListen.CliSshPort.ToString(CultureInfo.InvariantCulture)}", IsInternal: false)
        {
            IsInactive = !active,
            DisplayProperties = new($"Leader CLI (port {plan.PrimaryListen.CliSshPort.ToString(CultureInfo.InvariantCulture)})", 1),
        },
    ];
}
