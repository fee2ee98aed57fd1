using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// The running datastore, nso-sim's stand-in for CDB. Readers take <see cref="Current"/>, an
/// immutable snapshot, without waiting. Edits, lock and unlock are serialized: an edit copies the
/// current tree, applies, saves A.cdb (when there is a db-dir) and only then publishes the
/// copy, so a failed edit or a failed save changes nothing. The global lock of RFC 6241 section
/// 7.5 belongs to one NETCONF session id at a time.
/// </summary>
internal sealed class RunningDatastore
{
    private readonly Lock _gate = new();
    private readonly RunningFile? _file;
    private volatile ConfigSnapshot _current;
    private uint? _lockHolder;

    private RunningDatastore(RunningFile? file, XElement root)
    {
        _file = file;
        _current = new ConfigSnapshot(root);
    }

    public ConfigSnapshot Current => _current;

    /// <summary>
    /// Takes part in every edit-config commit before it is saved, as NSO's device manager pushes a
    /// change under <c>/devices/device/config</c> to the device inside the transaction. Set once, at start.
    /// </summary>
    public ICommitParticipant? Participant { get; set; }

    /// <summary>The NETCONF session that holds the lock on running, if any.</summary>
    public uint? LockHolder
    {
        get
        {
            lock (_gate)
            {
                return _lockHolder;
            }
        }
    }

    /// <summary>A datastore that is not saved anywhere: for tests, and for a daemon without db-dir.</summary>
    /// <param name="config">Starting data: a <c>&lt;config&gt;</c> wrapper or one top-level node.</param>
    public static RunningDatastore InMemory(XElement? config = null) =>
        new(null, config is null ? new XElement(ConfigNamespaces.ConfigWrapper) : new XElement(RunningFile.Wrap(config)));

    /// <summary>
    /// Opens cdb/db-dir (creating it): A.cdb when there is one; on a first start, the init
    /// files (every *.xml, NSO-NOTES §5) merged in name order and saved as A.cdb at once,
    /// so that they are read only that one time.
    /// </summary>
    /// <exception cref="CdbLoadException">A.cdb or an init file is unreadable, or the directory is not writable.</exception>
    /// <param name="dbDir">cdb/db-dir.</param>
    /// <param name="initPath">cdb/init-path: directories searched for init files before db-dir; missing ones are skipped.</param>
    public static RunningDatastore Open(string dbDir, IReadOnlyList<string>? initPath = null)
    {
        var file = new RunningFile(dbDir);
        if (file.Load() is { } saved)
        {
            return new RunningDatastore(file, saved);
        }

        var root = new XElement(ConfigNamespaces.ConfigWrapper);
        foreach (var (path, config) in file.LoadInitFiles(initPath ?? []))
        {
            try
            {
                new ConfigEdit(config).ApplyTo(root, EditOperation.Merge);
            }
            catch (DataStoreException e)
            {
                throw new CdbLoadException($"init file {path}: {e.Message}; fix it or move it out of cdb/db-dir and restart", e);
            }
        }

        try
        {
            file.Save(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CdbLoadException($"{file.FilePath}: {e.Message}; make cdb/db-dir writable and restart", e);
        }

        return new RunningDatastore(file, root);
    }

    /// <summary>
    /// Applies an edit-config <c>&lt;config&gt;</c> for <paramref name="sessionId"/>, all or nothing; <see cref="Participant"/>
    /// takes part for <paramref name="user"/> (null for admin) before the save.
    /// </summary>
    /// <exception cref="DataStoreException">
    /// in-use (another session holds the lock), data-exists, data-missing, bad-attribute, or
    /// operation-failed (A.cdb could not be written); running is unchanged.
    /// </exception>
    public void Edit(uint sessionId, XElement config, EditOperation defaultOperation, string? user = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        lock (_gate)
        {
            RefuseIfLockedByOther(sessionId);
            var next = _current.ToConfigXml();
            new ConfigEdit(config).ApplyTo(next, defaultOperation);
            var undo = Participant?.Prepare(_current, next, user);
            try
            {
                Save(next);
            }
            catch (DataStoreException)
            {
                undo?.Invoke();
                throw;
            }

            _current = new ConfigSnapshot(next);
        }
    }

    /// <summary>
    /// A change the daemon makes itself (the results of sync-from and fetch-ssh-host-keys): applied to a
    /// copy, saved and published without <see cref="Participant"/>, since it records what devices already have.
    /// </summary>
    /// <param name="sessionId">The NETCONF session that asked, which may hold the lock; 0 for the CLI.</param>
    /// <param name="change">Edits the copy of the whole tree; false when it changed nothing.</param>
    /// <exception cref="DataStoreException">in-use, or operation-failed when A.cdb could not be written.</exception>
    public void Update(uint sessionId, Func<XElement, bool> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            RefuseIfLockedByOther(sessionId);
            var next = _current.ToConfigXml();
            if (!change(next))
            {
                return;
            }

            Save(next);
            _current = new ConfigSnapshot(next);
        }
    }

    /// <summary>
    /// Makes running exactly <paramref name="config"/> (a <c>&lt;config&gt;</c> wrapper), saved first: what an HA Raft
    /// follower does with the leader's committed configuration. No participant takes part and a NETCONF lock does
    /// not hold it back, since the cluster has already committed it.
    /// </summary>
    /// <exception cref="DataStoreException">operation-failed: A.cdb could not be written; running is unchanged.</exception>
    public void Replace(XElement config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var next = new XElement(ConfigNamespaces.ConfigWrapper, config.Elements().Select(e => new XElement(e)));
        lock (_gate)
        {
            Save(next);
            _current = new ConfigSnapshot(next);
        }
    }

    private void RefuseIfLockedByOther(uint sessionId)
    {
        if (_lockHolder is { } holder && holder != sessionId)
        {
            throw new DataStoreException(
                DataStoreError.InUse,
                $"running is locked by session {holder}; wait for it to unlock, or end it with kill-session",
                info: [new("session-id", holder.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }
    }

    /// <exception cref="DataStoreException">lock-denied: the lock is held, by another session or by this one.</exception>
    public void Lock(uint sessionId)
    {
        lock (_gate)
        {
            if (_lockHolder is { } holder)
            {
                throw new DataStoreException(
                    DataStoreError.LockDenied,
                    holder == sessionId
                        ? "this session already holds the lock on running"
                        : $"running is locked by session {holder}; wait for it to unlock, or end it with kill-session",
                    info: [new("session-id", holder.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            }

            _lockHolder = sessionId;
        }
    }

    /// <exception cref="DataStoreException">operation-failed: this session does not hold the lock.</exception>
    public void Unlock(uint sessionId)
    {
        lock (_gate)
        {
            if (_lockHolder != sessionId)
            {
                throw new DataStoreException(
                    DataStoreError.OperationFailed,
                    _lockHolder is { } holder ? $"running is locked by session {holder}, not by this session" : "running is not locked");
            }

            _lockHolder = null;
        }
    }

    /// <summary>Drops the lock of a session that ended or was killed; true when it held one.</summary>
    public bool ReleaseLock(uint sessionId)
    {
        lock (_gate)
        {
            if (_lockHolder != sessionId)
            {
                return false;
            }

            _lockHolder = null;
            return true;
        }
    }

    private void Save(XElement root)
    {
        if (_file is null)
        {
            return;
        }

        try
        {
            _file.Save(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataStoreException(DataStoreError.OperationFailed, $"cannot write {_file.FilePath}: {e.Message}; running is unchanged");
        }
    }
}
