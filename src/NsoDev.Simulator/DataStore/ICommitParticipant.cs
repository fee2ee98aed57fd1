using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>Something that must agree to a commit before running changes (the device manager's push).</summary>
internal interface ICommitParticipant
{
    /// <summary>Called under the datastore's edit lock, before the new tree is saved.</summary>
    /// <param name="committed">Running as it is.</param>
    /// <param name="next">Running as the edit would leave it; read it, never change it.</param>
    /// <param name="user">Who commits; null for admin.</param>
    /// <returns>What undoes the participant's work if the save then fails; null when there is nothing to undo.</returns>
    /// <exception cref="DataStoreException">The participant refuses; the message says why, and running is unchanged.</exception>
    Action? Prepare(ConfigSnapshot committed, XElement next, string? user);
}
