using System.Xml.Linq;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.HaRaft;

/// <summary>
/// Every northbound commit of a node with HA Raft on passes here: a follower or candidate refuses it, as NSO's
/// followers are read-only; on the leader the other participant (the device push) runs first and the change is then
/// replicated to a majority, or the commit fails and the device change is undone.
/// </summary>
internal sealed class HaRaftCommitGate(HaRaftNode node, ICommitParticipant? inner, TimeSpan replicationTimeout) : ICommitParticipant
{
    public Action? Prepare(ConfigSnapshot committed, XElement next, string? user)
    {
        var replicate = node.RequireWritable(user);
        var undo = inner?.Prepare(committed, next, user);
        if (!replicate)
        {
            return undo;
        }

        try
        {
            node.Replicate(next, replicationTimeout);
        }
        catch (DataStoreException)
        {
            undo?.Invoke();
            throw;
        }

        return undo;
    }
}
