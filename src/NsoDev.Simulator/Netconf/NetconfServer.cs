using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Netconf;

/// <summary>
/// NETCONF for one daemon, over any transport: the SSH layer hands each <c>netconf</c> subsystem
/// channel to <see cref="RunAsync"/> with the authenticated user.
/// </summary>
internal sealed class NetconfServer
{
    public NetconfServer(
        RunningDatastore datastore,
        INcsState state,
        INorthboundLog log,
        NetconfSessionRegistry? sessions = null,
        NetconfLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(datastore);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(log);
        Datastore = datastore;
        State = state;
        Log = log;
        Sessions = sessions ?? new NetconfSessionRegistry(datastore);
        Limits = limits ?? NetconfLimits.Default;
    }

    public RunningDatastore Datastore { get; }

    public INcsState State { get; }

    public INorthboundLog Log { get; }

    public NetconfSessionRegistry Sessions { get; }

    public NetconfLimits Limits { get; }

    /// <summary>Runs the device actions (<c>&lt;action&gt;</c> on <c>/devices</c>); null where there is no device manager.</summary>
    public Devices.DeviceManager? Devices { get; init; }

    /// <summary>This node's HA Raft (<c>/ha-raft/status</c> and its actions); null when ha-raft is off.</summary>
    public HaRaft.HaRaftNode? HaRaft { get; init; }

    /// <summary>
    /// Serves one session until the client closes it, sends close-session, is killed, or the token
    /// fires. Never throws for anything the client sends.
    /// </summary>
    /// <param name="channel">Read: bytes from the client (0 at EOF). Write and flush: bytes to it.</param>
    /// <param name="user">The user the transport authenticated.</param>
    /// <param name="cancellationToken">Fires when the daemon stops.</param>
    /// <returns>The exit status: 0 for a normal end, 1 when the client broke the protocol.</returns>
    public async Task<int> RunAsync(Stream channel, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(user);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var id = Sessions.Open(user, lifetime);
        Log.Audit($"user: {user}/{id} new netconf session");
        Log.Netconf($"id={id} new session for user \"{user}\"");
        var status = 1;
        try
        {
            status = await new NetconfSession(this, channel, user, id, lifetime.Token).RunAsync();
            return status;
        }
        finally
        {
            Sessions.Close(id);
            Log.Netconf($"id={id} session ended, status {status}");
            Log.Audit($"user: {user}/{id} netconf session ended");
        }
    }
}
