namespace NsoDev.Simulator.Netconf;

/// <summary>
/// The open NETCONF sessions of one daemon: hands out session-ids (unique for the daemon's life,
/// never 0), finds a session for kill-session, and releases a session's lock on running when it
/// ends or is killed.
/// </summary>
internal sealed class NetconfSessionRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, Session> _sessions = [];
    private readonly DataStore.RunningDatastore _datastore;
    private uint _lastId;

    /// <param name="datastore">Whose lock a session releases when it ends.</param>
    /// <param name="firstId">The id of the first session.</param>
    public NetconfSessionRegistry(DataStore.RunningDatastore datastore, uint firstId = 1)
    {
        ArgumentNullException.ThrowIfNull(datastore);
        ArgumentOutOfRangeException.ThrowIfZero(firstId);
        _datastore = datastore;
        _lastId = firstId - 1;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Registers a new session; cancelling <paramref name="kill"/> is how kill-session ends it.</summary>
    public uint Open(string user, CancellationTokenSource kill)
    {
        ArgumentNullException.ThrowIfNull(kill);
        lock (_gate)
        {
            do
            {
                _lastId = unchecked(_lastId + 1);
            }
            while (_lastId == 0 || _sessions.ContainsKey(_lastId));

            _sessions.Add(_lastId, new Session(user, kill));
            return _lastId;
        }
    }

    public bool IsOpen(uint sessionId)
    {
        lock (_gate)
        {
            return _sessions.ContainsKey(sessionId);
        }
    }

    /// <summary>The session ended by itself; its lock, if any, is released.</summary>
    public void Close(uint sessionId)
    {
        lock (_gate)
        {
            _sessions.Remove(sessionId);
        }

        _datastore.ReleaseLock(sessionId);
    }

    /// <summary>
    /// kill-session: releases the session's lock at once (so the killer can lock right after the
    /// reply), then cancels the session, which closes its channel. False when there is no such session.
    /// </summary>
    public bool TryKill(uint sessionId, out string user)
    {
        Session? session;
        lock (_gate)
        {
            if (!_sessions.Remove(sessionId, out session))
            {
                user = string.Empty;
                return false;
            }
        }

        _datastore.ReleaseLock(sessionId);
        user = session.User;
        try
        {
            session.Kill.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended by itself in the meantime.
        }

        return true;
    }

    private sealed record Session(string User, CancellationTokenSource Kill);
}
