using NsoDev.Ipc;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.HaRaft;

namespace NsoDev.Simulator.Tests.HaRaft;

/// <summary>The simulated HA Raft roles, elections, handover and replication, on an in-memory transport and a fake clock.</summary>
public sealed class HaRaftNodeTests
{
    private static readonly NsoRelease Nso67 = new(6, 7);
    private static readonly NsoRelease Nso65 = new(6, 5);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void A_node_with_ha_raft_on_starts_stalled_with_no_members()
    {
        using var cluster = new RaftTestCluster(3, Nso67);

        var status = cluster[1].Status;

        Assert.Equal(RaftRole.Stalled, status.Role);
        Assert.Empty(status.Members);
        Assert.Null(status.Leader);
        Assert.Equal("ncsd1@127.0.0.1:4571", status.LocalNode);
    }

    [Fact]
    public async Task Create_cluster_makes_the_caller_leader_and_the_members_followers()
    {
        using var cluster = new RaftTestCluster(3, Nso67);

        await cluster.CreateAsync(Token);

        Assert.Equal(RaftRole.Leader, cluster[1].Role);
        Assert.All([cluster[2], cluster[3]], n => Assert.Equal(RaftRole.Follower, n.Role));
        Assert.All(cluster.Nodes.Values, n => Assert.Equal(cluster.Name(1), n.Leader));
        Assert.Equal(cluster.Names, cluster[2].Status.Members);
        Assert.Contains("role stalled -> leader", string.Join('\n', cluster.RaftLog), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_cluster_fails_with_NSOs_message_when_a_member_is_unreachable_and_changes_nothing()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        cluster.Stop(3);

        var error = await Assert.ThrowsAsync<HaRaftActionException>(() => cluster[1].CreateClusterAsync([cluster.Name(2), cluster.Name(3)], Token));

        Assert.Equal("NSO can't reach member node 'ncsd3@127.0.0.1:4573'.", error.Message);
        Assert.Equal(RaftRole.Stalled, cluster[1].Role);
        Assert.Equal(RaftRole.Stalled, cluster[2].Role);
    }

    [Theory]
    [InlineData("6.7", "ncsd2@127.0.0.1", "has no port")]
    [InlineData("6.5", "ncsd2@127.0.0.1:4572", "has a port")]
    [InlineData("6.5", "ncsd2@localhost", "short host name")]
    [InlineData("6.5", "ncsd2@0.0.0.0", "wildcard")]
    public async Task Create_cluster_refuses_a_member_name_of_the_wrong_form_for_the_release(string release, string member, string problem)
    {
        using var cluster = new RaftTestCluster(2, NsoRelease.Parse(release));

        var error = await Assert.ThrowsAsync<HaRaftActionException>(() => cluster[1].CreateClusterAsync([member], Token));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Equal(RaftRole.Stalled, cluster[1].Role);
    }

    [Fact]
    public async Task Create_cluster_on_a_node_already_in_a_cluster_is_refused()
    {
        using var cluster = new RaftTestCluster(3, Nso65);
        await cluster.CreateAsync(Token);

        var error = await Assert.ThrowsAsync<HaRaftActionException>(() => cluster[1].CreateClusterAsync([cluster.Name(2)], Token));

        Assert.Contains("already a member of an HA Raft cluster", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_leaders_heartbeats_keep_the_followers_from_standing()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);
        var term = cluster[1].Status.Term;

        await cluster.RunTicksAsync(15, Token);

        Assert.Equal(RaftRole.Leader, cluster[1].Role);
        Assert.All(cluster.Nodes.Values, n => Assert.Equal(term, n.Status.Term));
    }

    [Fact]
    public async Task A_leader_that_stops_is_replaced_by_a_follower_in_a_later_term()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);
        var term = cluster[1].Status.Term;

        cluster.Stop(1);
        await cluster.RunUntilAsync(() => cluster.Leaders.Count() == 1 && cluster.Nodes.Values.All(n => n.Leader == cluster.Leaders.First().LocalNode), Token);

        var leader = Assert.Single(cluster.Leaders);
        Assert.True(leader.Status.Term > term);
        Assert.Contains(cluster.Nodes.Values, n => n.Role == RaftRole.Follower);
    }

    [Fact]
    public async Task No_term_ever_has_two_leaders_through_failovers_and_handovers()
    {
        using var cluster = new RaftTestCluster(5, Nso65);
        await cluster.CreateAsync(Token);
        cluster.Stop(1);
        await cluster.RunUntilAsync(() => cluster.Leaders.Count() == 1, Token);
        await cluster.Leaders.Single().HandoverAsync(null, Token);
        await cluster.RunUntilAsync(() => cluster.Leaders.Count() == 1, Token);
        cluster.Start(cluster.Name(1));
        await cluster.RunTicksAsync(10, Token);

        Assert.True(cluster.LeadersSeen.Select(l => l.Leader).Distinct().Count() >= 2, $"expected two leaders leaderships, saw {cluster.LeadersSeen.Count}:\n{string.Join("\n", cluster.RaftLog)}");
        Assert.All(cluster.LeadersSeen.GroupBy(l => l.Term), term => Assert.Single(term));
    }

    [Fact]
    public async Task A_majority_is_needed_to_elect_a_leader()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);
        cluster.Stop(1);
        cluster.Stop(2);

        await cluster.RunTicksAsync(20, Token);

        Assert.Equal(RaftRole.Candidate, cluster[3].Role);
        Assert.Null(cluster[3].Leader);
    }

    [Fact]
    public async Task Handover_without_a_member_moves_the_leadership_to_another_member()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);

        await cluster[1].HandoverAsync(null, Token);
        await cluster.RunUntilAsync(() => cluster.Leaders.Count() == 1 && cluster[1].Leader is not null, Token);

        var leader = Assert.Single(cluster.Leaders);
        Assert.NotEqual(cluster.Name(1), leader.LocalNode);
        Assert.Equal(RaftRole.Follower, cluster[1].Role);
        Assert.Equal(leader.LocalNode, cluster[1].Leader);
    }

    [Fact]
    public async Task Handover_to_member_moves_the_leadership_to_that_member()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);

        await cluster[1].HandoverAsync(cluster.Name(3), Token);
        await cluster.RunUntilAsync(() => cluster[3].Role == RaftRole.Leader, Token);

        Assert.Single(cluster.Leaders);
    }

    [Fact]
    public async Task Handover_is_refused_on_a_follower_and_to_a_node_that_is_no_member()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);

        var onFollower = await Assert.ThrowsAsync<HaRaftActionException>(() => cluster[2].HandoverAsync(null, Token));
        var toStranger = await Assert.ThrowsAsync<HaRaftActionException>(() => cluster[1].HandoverAsync("ncsd9@127.0.0.1:4579", Token));

        Assert.Contains("run handover on the leader ncsd1@127.0.0.1:4571", onFollower.Message, StringComparison.Ordinal);
        Assert.Contains("'ncsd9@127.0.0.1:4579' is not a member", toStranger.Message, StringComparison.Ordinal);
        Assert.Equal(RaftRole.Leader, cluster[1].Role);
    }

    [Fact]
    public async Task A_commit_on_the_leader_reaches_every_followers_running_config()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);

        cluster.Datastore(1).Edit(1, RaftTestCluster.Edit("cfs-1"), EditOperation.Merge);
        await cluster.RunUntilAsync(() => RaftTestCluster.HostName(cluster.Datastore(2)) == "cfs-1" && RaftTestCluster.HostName(cluster.Datastore(3)) == "cfs-1", Token, maxTicks: 3);

        Assert.All(cluster.Nodes.Values, n => Assert.Equal(1 + 1, n.Status.AppliedIndex));
    }

    [Fact]
    public async Task The_leaders_configuration_at_create_cluster_replaces_the_members()
    {
        using var cluster = new RaftTestCluster(3, Nso65);
        cluster.Datastore(1).Edit(1, RaftTestCluster.Edit("before"), EditOperation.Merge);
        cluster.Datastore(2).Edit(1, RaftTestCluster.Edit("stray"), EditOperation.Merge);

        await cluster.CreateAsync(Token);

        Assert.Equal("before", RaftTestCluster.HostName(cluster.Datastore(2)));
        Assert.Equal("before", RaftTestCluster.HostName(cluster.Datastore(3)));
    }

    [Fact]
    public async Task A_commit_without_a_majority_is_refused_and_running_is_unchanged()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);
        cluster.Stop(2);
        cluster.Stop(3);

        var error = Assert.Throws<DataStoreException>(() => cluster.Datastore(1).Edit(1, RaftTestCluster.Edit("lonely"), EditOperation.Merge));

        Assert.Contains("needs a majority of the cluster's 3 members (2), but only 1 have it", error.Message, StringComparison.Ordinal);
        Assert.Contains("ncsd2@127.0.0.1:4572, ncsd3@127.0.0.1:4573", error.Message, StringComparison.Ordinal);
        Assert.Null(RaftTestCluster.HostName(cluster.Datastore(1)));
        Assert.Contains(cluster.RaftLog, l => l.Contains("refused a commit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_commit_with_one_follower_down_still_has_a_majority()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);
        cluster.Stop(3);

        cluster.Datastore(1).Edit(1, RaftTestCluster.Edit("two-of-three"), EditOperation.Merge);
        await cluster.RunUntilAsync(() => RaftTestCluster.HostName(cluster.Datastore(2)) == "two-of-three", Token, maxTicks: 3);
    }

    [Fact]
    public async Task A_write_on_a_follower_is_refused_with_NSOs_read_only_message_naming_the_leader()
    {
        using var cluster = new RaftTestCluster(3, Nso65);
        await cluster.CreateAsync(Token);

        var error = Assert.Throws<DataStoreException>(() => cluster.Datastore(2).Edit(1, RaftTestCluster.Edit("nope"), EditOperation.Merge));

        Assert.StartsWith("node is in readonly mode", error.Message, StringComparison.Ordinal);
        Assert.Contains("write on the leader ncsd1@127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Null(RaftTestCluster.HostName(cluster.Datastore(2)));
        Assert.Contains(cluster.RaftLog, l => l.Contains("refused a write", StringComparison.Ordinal));
    }

    [Fact]
    public void A_stalled_node_takes_writes_locally()
    {
        using var cluster = new RaftTestCluster(3, Nso65);

        cluster.Datastore(1).Edit(1, RaftTestCluster.Edit("alone"), EditOperation.Merge);

        Assert.Equal("alone", RaftTestCluster.HostName(cluster.Datastore(1)));
    }

    [Fact]
    public async Task A_restarted_follower_rejoins_as_follower_and_catches_up_on_what_it_missed()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);
        cluster.Stop(3);
        cluster.Datastore(1).Edit(1, RaftTestCluster.Edit("while-away"), EditOperation.Merge);

        var restarted = cluster.Start(cluster.Name(3));

        Assert.Equal(RaftRole.Follower, restarted.Role);
        Assert.Equal(cluster.Names, restarted.Status.Members);
        await cluster.RunUntilAsync(() => RaftTestCluster.HostName(cluster.Datastore(3)) == "while-away", Token, maxTicks: 3);
        Assert.Equal(cluster.Name(1), restarted.Leader);
        Assert.Equal(RaftRole.Leader, cluster[1].Role);
    }

    [Fact]
    public async Task A_restarted_former_leader_follows_the_new_leader()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);
        cluster.Stop(1);
        await cluster.RunUntilAsync(() => cluster.Leaders.Count() == 1, Token);
        var leader = cluster.Leaders.Single();

        var restarted = cluster.Start(cluster.Name(1));
        await cluster.RunUntilAsync(() => restarted.Leader == leader.LocalNode, Token, maxTicks: 3);

        Assert.Equal(RaftRole.Follower, restarted.Role);
        Assert.Same(leader, cluster.Leaders.Single());
    }

    [Fact]
    public async Task Term_vote_and_members_survive_a_restart()
    {
        using var cluster = new RaftTestCluster(3, Nso65);
        await cluster.CreateAsync(Token);
        var before = cluster[2].Status;
        cluster.Stop(2);

        var restarted = cluster.Start(cluster.Name(2)).Status;

        Assert.Equal(before.Term, restarted.Term);
        Assert.Equal(before.Members, restarted.Members);
        Assert.Equal(before.AppliedIndex, restarted.AppliedIndex);
    }

    [Fact]
    public async Task The_leaders_status_shows_each_members_replication()
    {
        using var cluster = new RaftTestCluster(3, Nso67);
        await cluster.CreateAsync(Token);
        cluster.Stop(3);
        cluster.Datastore(1).Edit(1, RaftTestCluster.Edit("x"), EditOperation.Merge);
        await cluster.RunTicksAsync(2, Token);

        var replications = cluster[1].Status.Replications.ToDictionary(r => r.Node);

        Assert.Equal("in-sync", replications[cluster.Name(2)].State);
        Assert.Equal(0, replications[cluster.Name(2)].Lag);
        Assert.Equal("requires-catchup", replications[cluster.Name(3)].State);
        Assert.Equal(1, replications[cluster.Name(3)].Lag);
    }
}
