using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using NsoDev.Ipc;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.HaRaft;

/// <summary>What a node needs besides its transport and its datastore.</summary>
internal sealed record HaRaftNodeOptions
{
    /// <summary>The simulated release; it decides the member names' form.</summary>
    public required NsoRelease Release { get; init; }

    /// <summary><c>tick-timeout</c>: the leader heartbeats this often.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>passive</c>: the node votes, but never stands for leader.</summary>
    public bool Passive { get; init; }

    /// <summary>Where term, vote, index and members survive a restart; null keeps them in memory only.</summary>
    public RaftStateFile? StateFile { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long a follower waits without a heartbeat before it stands: by default 3 to 6 ticks, at random, so that two followers seldom stand at once.</summary>
    public Func<TimeSpan>? ElectionTimeout { get; init; }

    /// <summary>raft.log.</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>Called after the role changed (outside any lock): the daemon binds or releases ha-primary-listen.</summary>
    public Action<RaftRole> RoleChanged { get; init; } = _ => { };
}

/// <summary>An ha-raft action was refused; the message is what the CLI prints after <c>Error: </c>.</summary>
internal sealed class HaRaftActionException(string message) : Exception(message);

/// <summary>
/// One simulated HA Raft node (NSO-NOTES §17): roles, terms and one vote per term, a leader that
/// heartbeats every tick, followers that stand for election when the heartbeats stop, <c>create-cluster</c>,
/// <c>handover</c>, and the leader's commits replicated to a majority before they count. It shows what NSO shows;
/// it is not a Raft implementation: the "log" is the whole committed configuration with an index, sent again to
/// any member that is behind, and there is no membership change, no snapshot or log compaction.
/// </summary>
internal sealed class HaRaftNode
{
    private const string True = "true";

    private readonly IRaftTransport _transport;
    private readonly RunningDatastore _datastore;
    private readonly HaRaftNodeOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Lock _applyGate = new();
    private readonly Lock _notifyGate = new();
    private readonly Dictionary<string, long> _followerIndex = new(StringComparer.Ordinal);

    // All below under _gate.
    private volatile RaftRole _role;
    private volatile string? _leader;
    private long _term;
    private string? _votedFor;
    private List<string> _members;
    private long _appliedIndex;
    private long _committedIndex;
    private XElement? _committedConfig;
    private (long Index, XElement Config)? _pending;
    private DateTimeOffset _electionDeadline;
    private DateTimeOffset _nextHeartbeat;
    private RaftRole _reportedRole;
    private int _standing;

    public HaRaftNode(IRaftTransport transport, RunningDatastore datastore, HaRaftNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(datastore);
        ArgumentNullException.ThrowIfNull(options);
        _transport = transport;
        _datastore = datastore;
        _options = options;
        _time = options.Time;
        var saved = options.StateFile?.Load() ?? RaftPersistentState.Empty;
        _term = saved.Term;
        _votedFor = saved.VotedFor;
        _appliedIndex = saved.AppliedIndex;
        _committedIndex = saved.AppliedIndex;
        _members = [.. saved.Members];

        // A member that restarts comes back as a follower and waits for the leader's heartbeat.
        _role = _members.Count > 0 ? RaftRole.Follower : RaftRole.Stalled;
        _reportedRole = _role;
        _electionDeadline = _time.GetUtcNow() + ElectionTimeout();
    }

    public string LocalNode => _transport.LocalNodeName;

    public RaftRole Role => _role;

    public string? Leader => _leader;

    public HaRaftStatus Status
    {
        get
        {
            lock (_gate)
            {
                var committed = _role == RaftRole.Leader ? _committedIndex : _appliedIndex;
                var replications = _role == RaftRole.Leader
                    ? _members.Where(m => m != LocalNode).Select(m =>
                    {
                        var index = _followerIndex.GetValueOrDefault(m, -1);
                        var known = Math.Max(index, 0);
                        return new RaftReplication(m, index == committed ? "in-sync" : index < 0 ? "requires-snapshot" : "requires-catchup", known, Math.Max(0, committed - known));
                    }).ToList()
                    : [];
                return new HaRaftStatus(
                    _role,
                    _leader,
                    [.. _members],
                    [.. _transport.ConnectedNodes.Order(StringComparer.Ordinal)],
                    LocalNode,
                    _term,
                    _pending?.Index ?? committed,
                    _appliedIndex,
                    replications);
            }
        }
    }

    /// <summary>Binds the HA port and starts answering peers.</summary>
    /// <exception cref="RaftTransportException">The port or the TLS files are not usable.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _transport.StartAsync(HandleAsync, cancellationToken);
        _options.Log($"{LocalNode}: started as {HaRaftXml.RoleName(_role)}, term {_term}, {(_members.Count == 0 ? "no cluster yet (create one with ha-raft create-cluster on the intended leader)" : "members " + string.Join(" ", _members))}");
    }

    /// <summary>Ticks until <paramref name="cancellationToken"/> fires: a quarter tick apart, so a heartbeat is never much late.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await TickAsync(cancellationToken);
                await Task.Delay(_options.Tick / 4, _time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The daemon stops.
        }
    }

    /// <summary>One round: the leader heartbeats when a tick has passed; a follower or candidate whose election timeout ran out stands.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        RaftRole role;
        DateTimeOffset now = _time.GetUtcNow();
        bool heartbeat = false, stand = false;
        lock (_gate)
        {
            role = _role;
            if (role == RaftRole.Leader && now >= _nextHeartbeat)
            {
                _nextHeartbeat = now + _options.Tick;
                heartbeat = true;
            }
            else if (role is RaftRole.Follower or RaftRole.Candidate && now >= _electionDeadline && !_options.Passive)
            {
                stand = true;
            }
        }

        if (heartbeat)
        {
            await HeartbeatAsync(cancellationToken);
        }
        else if (stand)
        {
            await StandForElectionAsync(cancellationToken);
        }

        Notify();
    }

    /// <summary>
    /// <c>ha-raft create-cluster member [ ... ]</c>: this node leads, the members follow with its configuration. Every
    /// member must answer first; otherwise nothing changes anywhere.
    /// </summary>
    /// <exception cref="HaRaftActionException">A member name has the wrong form, a member cannot be reached, or a cluster exists.</exception>
    public async Task CreateClusterAsync(IReadOnlyList<string> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        var others = members.Select(m => m.Trim()).Where(m => m.Length > 0 && m != LocalNode).Distinct(StringComparer.Ordinal).ToList();
        foreach (var member in others)
        {
            if (MemberNames.Problem(member, _options.Release) is { } problem)
            {
                throw new HaRaftActionException("bad member: " + problem);
            }
        }

        long term;
        XElement config;
        long index;
        lock (_gate)
        {
            if (_role != RaftRole.Stalled)
            {
                throw new HaRaftActionException($"this node is already a member of an HA Raft cluster (role {HaRaftXml.RoleName(_role)}, members {string.Join(" ", _members)}); create-cluster runs once, on a stalled node");
            }

            term = _term + 1;
            config = _datastore.Current.ToConfigXml();
            index = _appliedIndex + 1;
        }

        foreach (var member in others)
        {
            await RequestOrFailAsync(member, new RaftMessage("probe", Fields(("term", Number(term)))), cancellationToken);
        }

        var all = new List<string> { LocalNode };
        all.AddRange(others);
        var join = new RaftMessage("join", Fields(
            ("term", Number(term)),
            ("leader", LocalNode),
            ("members", string.Join(' ', all)),
            ("index", Number(index)),
            ("config", config.ToString(SaveOptions.DisableFormatting))));
        foreach (var member in others)
        {
            var reply = await RequestOrFailAsync(member, join, cancellationToken);
            if (reply.Fields.GetValueOrDefault("success") != True)
            {
                throw new HaRaftActionException($"member node '{member}' refused to join: {reply.Fields.GetValueOrDefault("reason", "no reason given")}");
            }
        }

        lock (_gate)
        {
            _term = Math.Max(_term, term);
            _votedFor = LocalNode;
            _members = all;
            _appliedIndex = index;
            _committedIndex = index;
            _committedConfig = config;
            _followerIndex.Clear();
            foreach (var member in others)
            {
                _followerIndex[member] = index;
            }

            BecomeLeaderLocked("created the cluster");
        }

        Notify();
    }

    /// <summary>
    /// <c>ha-raft handover [to-member M]</c>: the leader asks one member (the named one, or the most up-to-date
    /// follower) to stand at once, and stops leading, so that member wins the election.
    /// </summary>
    /// <exception cref="HaRaftActionException">This node does not lead, the member is not one, or it cannot be reached.</exception>
    public async Task HandoverAsync(string? toMember, CancellationToken cancellationToken)
    {
        List<string> targets;
        long term;
        lock (_gate)
        {
            if (_role != RaftRole.Leader)
            {
                throw new HaRaftActionException($"this node is not the leader (it is {HaRaftXml.RoleName(_role)}); run handover on the leader{(_leader is { } l ? " " + l : string.Empty)}");
            }

            var others = _members.Where(m => m != LocalNode).ToList();
            if (toMember is { } named)
            {
                if (named == LocalNode)
                {
                    throw new HaRaftActionException($"{named} is this node, which already leads; name another member: {string.Join(" ", others)}");
                }

                targets = others.Contains(named, StringComparer.Ordinal)
                    ? [named]
                    : throw new HaRaftActionException($"'{named}' is not a member of this cluster; to-member is one of: {string.Join(" ", others)}");
            }
            else
            {
                // The most up-to-date member first; one that does not answer is passed over.
                targets = [.. others.OrderByDescending(m => _followerIndex.GetValueOrDefault(m, -1)).ThenBy(m => m, StringComparer.Ordinal)];
                if (targets.Count == 0)
                {
                    throw new HaRaftActionException("this cluster has no other member to hand over to");
                }
            }

            term = _term;
        }

        var target = await FirstToTakeOverAsync(targets, term, cancellationToken);
        lock (_gate)
        {
            if (_role == RaftRole.Leader && _term == term)
            {
                // Stay out of the election the target has just started.
                _electionDeadline = _time.GetUtcNow() + (3 * ElectionTimeout());
                SetRoleLocked(RaftRole.Follower, $"handed over to {target}");
                _leader = null;
            }
        }

        Notify();
    }

    private async Task<string> FirstToTakeOverAsync(List<string> targets, long term, CancellationToken cancellationToken)
    {
        HaRaftActionException? first = null;
        foreach (var target in targets)
        {
            try
            {
                var reply = await RequestOrFailAsync(target, new RaftMessage("timeout-now", Fields(("term", Number(term)))), cancellationToken);
                if (reply.Fields.GetValueOrDefault("success") == True)
                {
                    return target;
                }

                first ??= new HaRaftActionException($"member node '{target}' cannot take over: {reply.Fields.GetValueOrDefault("reason", "no reason given")}");
            }
            catch (HaRaftActionException e)
            {
                first ??= e;
            }
        }

        throw first!;
    }

    /// <summary>
    /// Whether a northbound write may go ahead here: on a leader it is replicated (<see cref="Replicate"/>); on a
    /// stalled node it stays local; a follower or candidate refuses it.
    /// </summary>
    /// <exception cref="DataStoreException">This node is a follower or a candidate.</exception>
    public bool RequireWritable(string? user)
    {
        var role = _role;
        if (role is RaftRole.Leader or RaftRole.Stalled)
        {
            return role == RaftRole.Leader;
        }

        var leader = _leader;
        var message = $"node is in readonly mode: {LocalNode} is an HA Raft {HaRaftXml.RoleName(role)}; write on the leader{(leader is null ? " (none is elected yet; try again shortly)" : " " + leader)}";
        _options.Log($"{LocalNode}: refused a write by {user ?? "admin"}: {message}");
        throw new DataStoreException(DataStoreError.OperationFailed, message);
    }

    /// <summary>
    /// Sends the leader's next configuration to every member and returns once a majority (this node included) has
    /// it; it is committed then. Called inside the datastore's commit, before the save.
    /// </summary>
    /// <exception cref="DataStoreException">This node stopped leading, or too few members answered; running is unchanged.</exception>
    public void Replicate(XElement next, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(next);
        long term, index, commit;
        List<string> others;
        int memberCount;
        string members;
        lock (_gate)
        {
            if (_role != RaftRole.Leader)
            {
                throw new DataStoreException(DataStoreError.OperationFailed, $"node is in readonly mode: {LocalNode} stopped leading before the commit; write on the new leader");
            }

            members = string.Join(' ', _members);
            term = _term;
            index = _committedIndex + 1;
            commit = _committedIndex;
            others = _members.Where(m => m != LocalNode).ToList();
            memberCount = _members.Count;
        }

        var entry = new RaftMessage("append", Fields(
            ("term", Number(term)),
            ("leader", LocalNode),
            ("members", members),
            ("commit", Number(commit)),
            ("index", Number(index)),
            ("config", next.ToString(SaveOptions.DisableFormatting))));
        try
        {
            ReplicateTo(others, memberCount, term, index, entry, timeout, next);
        }
        finally
        {
            Notify();
        }
    }

    private void ReplicateTo(List<string> others, int memberCount, long term, long index, RaftMessage entry, TimeSpan timeout, XElement next)
    {
        var replies = SendToAllAsync(others, entry, timeout, CancellationToken.None).GetAwaiter().GetResult();
        var agreed = replies.Where(r => r.Reply is { } reply && reply.Fields.GetValueOrDefault("success") == True && Long(reply, "index") >= index).Select(r => r.Member).ToList();
        var failed = others.Except(agreed).ToList();
        var majority = (memberCount / 2) + 1;
        lock (_gate)
        {
            ObserveReplyTermsLocked(replies);
            if (_role != RaftRole.Leader || _term != term)
            {
                throw new DataStoreException(DataStoreError.OperationFailed, $"node is in readonly mode: {LocalNode} stopped leading during the commit; write on the new leader");
            }

            if (agreed.Count + 1 < majority)
            {
                var message = $"HA Raft: a commit needs a majority of the cluster's {memberCount} members ({majority}), but only {agreed.Count + 1} have it; not reached: {string.Join(", ", failed)}; start the stopped members, or wait until they reconnect, and commit again";
                _options.Log($"{LocalNode}: refused a commit: {message}");
                throw new DataStoreException(DataStoreError.OperationFailed, message);
            }

            _committedIndex = index;
            _appliedIndex = index;
            _committedConfig = new XElement(next);
            foreach (var member in agreed)
            {
                _followerIndex[member] = index;
            }

            // Followers apply it with the next heartbeat, which goes out at once.
            _nextHeartbeat = _time.GetUtcNow();
            SaveLocked();
        }

        _options.Log($"{LocalNode}: committed index {index} in term {term} on {agreed.Count + 1} of {memberCount} members");
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        List<(string Member, RaftMessage Message)> messages;
        long term;
        lock (_gate)
        {
            term = _term;
            var members = string.Join(' ', _members);
            messages = _members.Where(m => m != LocalNode).Select(m =>
            {
                var behind = _followerIndex.GetValueOrDefault(m, -1) < _committedIndex;
                var fields = new List<(string, string)> { ("term", Number(_term)), ("leader", LocalNode), ("members", members), ("commit", Number(_committedIndex)) };
                if (behind && _committedConfig is not null)
                {
                    // A member that is behind (restarted, or missed a commit) gets the whole committed configuration.
                    fields.Add(("index", Number(_committedIndex)));
                    fields.Add(("config", _committedConfig.ToString(SaveOptions.DisableFormatting)));
                }

                return (m, new RaftMessage("append", Fields([.. fields])));
            }).ToList();
        }

        var replies = await Task.WhenAll(messages.Select(async m => (m.Member, Reply: await TryRequestAsync(m.Member, m.Message, _options.Tick, cancellationToken))));
        lock (_gate)
        {
            ObserveReplyTermsLocked(replies);
            if (_role != RaftRole.Leader || _term != term)
            {
                return;
            }

            foreach (var (member, reply) in replies)
            {
                if (reply is not null && reply.Fields.GetValueOrDefault("success") == True)
                {
                    _followerIndex[member] = Long(reply, "index");
                }
            }
        }

        Notify();
    }

    private async Task StandForElectionAsync(CancellationToken cancellationToken)
    {
        // One election at a time: a tick and a handover's timeout-now may both ask for one.
        if (Interlocked.Exchange(ref _standing, 1) == 1)
        {
            return;
        }

        try
        {
            await StandOnceAsync(cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _standing, 0);
        }
    }

    private async Task StandOnceAsync(CancellationToken cancellationToken)
    {
        long term, lastIndex;
        List<string> others;
        int memberCount;
        lock (_gate)
        {
            if (_role is not (RaftRole.Follower or RaftRole.Candidate) || _members.Count == 0 || !_members.Contains(LocalNode))
            {
                return;
            }

            _term++;
            _votedFor = LocalNode;
            _leader = null;
            _electionDeadline = _time.GetUtcNow() + ElectionTimeout();
            SetRoleLocked(RaftRole.Candidate, "no heartbeat from a leader");
            SaveLocked();
            term = _term;
            lastIndex = LastIndexLocked();
            others = _members.Where(m => m != LocalNode).ToList();
            memberCount = _members.Count;
        }

        Notify();
        var request = new RaftMessage("vote", Fields(("term", Number(term)), ("candidate", LocalNode), ("index", Number(lastIndex))));
        var replies = await SendToAllAsync(others, request, _options.Tick, cancellationToken);
        var votes = 1 + replies.Count(r => r.Reply?.Fields.GetValueOrDefault("granted") == True);
        (long Index, XElement Config)? won;
        lock (_gate)
        {
            ObserveReplyTermsLocked(replies);
            if (_role != RaftRole.Candidate || _term != term)
            {
                return;
            }

            if (votes * 2 <= memberCount)
            {
                _options.Log($"{LocalNode}: got {votes} of {memberCount} votes in term {term}; stays candidate");
                return;
            }

            // What this node had pending came from a leader that may have had a majority for it: keep it.
            won = _pending;
            _pending = null;
            _committedConfig = won?.Config ?? _datastore.Current.ToConfigXml();
            _committedIndex = won?.Index ?? _appliedIndex;
            _followerIndex.Clear();
            BecomeLeaderLocked($"won the election with {votes} of {memberCount} votes");
        }

        if (won is { } entry)
        {
            Apply(entry.Index, entry.Config);
        }

        Notify();
    }

    private Task<RaftMessage> HandleAsync(string fromNode, RaftMessage request, CancellationToken cancellationToken)
    {
        var reply = request.Type switch
        {
            "probe" => Reply(("success", True)),
            "vote" => OnVote(request),
            "append" => OnAppend(request),
            "join" => OnJoin(fromNode, request),
            "timeout-now" => OnTimeoutNow(request),
            _ => Reply(("success", "false"), ("reason", $"unknown request '{request.Type}'")),
        };
        Notify();
        return Task.FromResult(reply);
    }

    private RaftMessage OnVote(RaftMessage request)
    {
        var term = Long(request, "term");
        var candidate = request.Fields.GetValueOrDefault("candidate", string.Empty);
        lock (_gate)
        {
            ObserveTermLocked(term);
            var granted = term == _term
                && _members.Contains(candidate, StringComparer.Ordinal)
                && (_votedFor is null || _votedFor == candidate)
                && Long(request, "index") >= LastIndexLocked();
            if (granted)
            {
                _votedFor = candidate;
                _electionDeadline = _time.GetUtcNow() + ElectionTimeout();
                SaveLocked();
                _options.Log($"{LocalNode}: voted for {candidate} in term {term}");
            }

            return Reply(("term", Number(_term)), ("granted", granted ? True : "false"));
        }
    }

    private RaftMessage OnAppend(RaftMessage request)
    {
        var term = Long(request, "term");
        var members = request.Fields.GetValueOrDefault("members", string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        (long Index, XElement Config)? apply = null;
        long lastIndex;
        lock (_gate)
        {
            ObserveTermLocked(term);
            if (term < _term || !members.Contains(LocalNode, StringComparer.Ordinal))
            {
                return Reply(("term", Number(_term)), ("success", "false"));
            }

            var leader = request.Fields.GetValueOrDefault("leader");
            _members = members;
            _leader = leader;
            _electionDeadline = _time.GetUtcNow() + ElectionTimeout();
            if (_role != RaftRole.Follower)
            {
                SetRoleLocked(RaftRole.Follower, $"{leader} leads term {term}");
                SaveLocked();
            }

            var commit = Long(request, "commit");
            if (request.Fields.TryGetValue("config", out var configText))
            {
                var index = Long(request, "index");
                var config = ParseConfig(configText);
                if (index <= commit)
                {
                    apply = (index, config);
                    _pending = null;
                }
                else
                {
                    _pending = (index, config);
                }
            }
            else if (_pending is { } pending && pending.Index <= commit)
            {
                apply = pending;
                _pending = null;
            }

            lastIndex = Math.Max(LastIndexLocked(), apply?.Index ?? 0);
        }

        if (apply is { } entry)
        {
            Apply(entry.Index, entry.Config);
        }

        return Reply(("term", Number(term)), ("success", True), ("index", Number(lastIndex)));
    }

    private RaftMessage OnJoin(string fromNode, RaftMessage request)
    {
        var term = Long(request, "term");
        var index = Long(request, "index");
        lock (_gate)
        {
            if (_role != RaftRole.Stalled)
            {
                return Reply(("term", Number(_term)), ("success", "false"), ("reason", $"it is already a member of an HA Raft cluster (role {HaRaftXml.RoleName(_role)}, leader {_leader ?? "unknown"})"));
            }

            _term = Math.Max(_term, term);
            _votedFor = null;
            _members = [.. request.Fields.GetValueOrDefault("members", string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            _leader = request.Fields.GetValueOrDefault("leader", fromNode);
            _electionDeadline = _time.GetUtcNow() + ElectionTimeout();
            SetRoleLocked(RaftRole.Follower, $"joined the cluster {_leader} created");
            SaveLocked();
        }

        // A new cluster's configuration replaces whatever this node had, whatever index it was at.
        Apply(index, ParseConfig(request.Fields.GetValueOrDefault("config", "<config/>")), force: true);
        return Reply(("term", Number(term)), ("success", True));
    }

    private RaftMessage OnTimeoutNow(RaftMessage request)
    {
        lock (_gate)
        {
            ObserveTermLocked(Long(request, "term"));
            if (_options.Passive)
            {
                return Reply(("success", "false"), ("reason", "it is passive (/ncs-config/ha-raft/passive), so it never becomes leader"));
            }

            if (_role != RaftRole.Follower)
            {
                return Reply(("success", "false"), ("reason", $"it is {HaRaftXml.RoleName(_role)}, not a follower"));
            }

            _electionDeadline = _time.GetUtcNow() + ElectionTimeout();
        }

        // Stand now, after this reply has gone back; bounded by the requests' own timeouts.
        _ = Task.Run(() => StandForElectionAsync(CancellationToken.None), CancellationToken.None);
        return Reply(("success", True));
    }

    /// <summary>Makes running the committed configuration at <paramref name="index"/>, unless a later one is applied already.</summary>
    private void Apply(long index, XElement config, bool force = false)
    {
        lock (_applyGate)
        {
            lock (_gate)
            {
                if (index <= _appliedIndex && !force)
                {
                    return;
                }
            }

            try
            {
                _datastore.Replace(config);
            }
            catch (DataStoreException e)
            {
                _options.Log($"{LocalNode}: could not apply index {index}: {e.Message}");
                return;
            }

            lock (_gate)
            {
                _appliedIndex = index;
                _committedIndex = Math.Max(_committedIndex, index);
                SaveLocked();
            }

            _options.Log($"{LocalNode}: applied index {index}");
        }
    }

    private void ObserveReplyTermsLocked(IEnumerable<(string Member, RaftMessage? Reply)> replies)
    {
        foreach (var (_, reply) in replies)
        {
            if (reply is not null && reply.Fields.ContainsKey("term"))
            {
                ObserveTermLocked(Long(reply, "term"));
            }
        }
    }

    /// <summary>A later term wins: whoever leads or stands in an earlier one steps back to follower.</summary>
    private void ObserveTermLocked(long term)
    {
        if (term <= _term)
        {
            return;
        }

        _term = term;
        _votedFor = null;
        if (_role is RaftRole.Leader or RaftRole.Candidate)
        {
            _leader = null;
            SetRoleLocked(RaftRole.Follower, $"saw the later term {term}");
        }

        SaveLocked();
    }

    private void BecomeLeaderLocked(string why)
    {
        _leader = LocalNode;
        _nextHeartbeat = _time.GetUtcNow();
        SetRoleLocked(RaftRole.Leader, why);
        SaveLocked();
    }

    private void SetRoleLocked(RaftRole role, string why)
    {
        if (_role == role)
        {
            return;
        }

        _options.Log($"{LocalNode}: role {HaRaftXml.RoleName(_role)} -> {HaRaftXml.RoleName(role)} in term {_term}: {why}");
        _role = role;
    }

    /// <summary>Tells the daemon about a role change once, outside the state lock.</summary>
    private void Notify()
    {
        lock (_notifyGate)
        {
            var role = _role;
            if (role == _reportedRole)
            {
                return;
            }

            _reportedRole = role;
            _options.RoleChanged(role);
        }
    }

    private void SaveLocked()
    {
        try
        {
            _options.StateFile?.Save(new RaftPersistentState(_term, _votedFor, _appliedIndex, [.. _members]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _options.Log($"{LocalNode}: cannot save {_options.StateFile?.FilePath}: {e.Message}; make state-dir writable");
        }
    }

    private long LastIndexLocked() => Math.Max(_appliedIndex, _pending?.Index ?? 0);

    private TimeSpan ElectionTimeout() =>
        _options.ElectionTimeout?.Invoke() ?? _options.Tick * (3 + (Random.Shared.NextDouble() * 3));

    private async Task<RaftMessage> RequestOrFailAsync(string member, RaftMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _transport.RequestAsync(member, request, RequestTimeout, cancellationToken);
        }
        catch (RaftPeerUnreachableException e)
        {
            _options.Log($"{LocalNode}: cannot reach {member}: {e.Message}");

            // NSO's own words for it (HA chapter, troubleshooting); the reason is in raft.log.
            throw new HaRaftActionException($"NSO can't reach member node '{member}'.");
        }
    }

    private TimeSpan RequestTimeout => _options.Tick * 3;

    private async Task<List<(string Member, RaftMessage? Reply)>> SendToAllAsync(IEnumerable<string> members, RaftMessage request, TimeSpan timeout, CancellationToken cancellationToken) =>
        [.. await Task.WhenAll(members.Select(async m => (m, await TryRequestAsync(m, request, timeout, cancellationToken))))];

    private async Task<RaftMessage?> TryRequestAsync(string member, RaftMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _transport.RequestAsync(member, request, timeout, cancellationToken);
        }
        catch (RaftPeerUnreachableException)
        {
            return null;
        }
    }

    private static XElement ParseConfig(string text)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(text), settings);
        return XElement.Load(reader);
    }

    private static RaftMessage Reply(params (string Key, string Value)[] fields) => new("reply", Fields(fields));

    private static Dictionary<string, string> Fields(params (string Key, string Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    private static long Long(RaftMessage message, string field) =>
        long.TryParse(message.Fields.GetValueOrDefault(field), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
