using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using NsoDev.Ipc;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.HaRaft;

namespace NsoDev.Simulator.Tests.HaRaft;

/// <summary>
/// Nodes on an <see cref="InMemoryRaftNetwork"/> and one fake clock. Node i waits 3 + i ticks before it stands, so
/// elections are deterministic: the live follower with the lowest number stands first.
/// </summary>
internal sealed class RaftTestCluster : IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly string _stateRoot = Directory.CreateTempSubdirectory("nso-sim-raft-").FullName;
    private readonly Dictionary<string, RunningDatastore> _datastores = new(StringComparer.Ordinal);

    public RaftTestCluster(int count, NsoRelease release)
    {
        Release = release;
        Names = [.. Enumerable.Range(1, count).Select(i => MemberNames.HasPort(release) ? $"ncsd{i}@127.0.0.1:457{i}" : $"ncsd{i}@127.0.0.1")];
        foreach (var name in Names)
        {
            _datastores[name] = RunningDatastore.InMemory();
            Start(name);
        }
    }

    public NsoRelease Release { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public InMemoryRaftNetwork Network { get; } = new();

    public IReadOnlyList<string> Names { get; }

    public Dictionary<string, HaRaftNode> Nodes { get; } = new(StringComparer.Ordinal);

    public List<string> RaftLog { get; } = [];

    /// <summary>Every (term, leader) a node reported while the tests ran.</summary>
    public HashSet<(long Term, string Leader)> LeadersSeen { get; } = [];

    public HaRaftNode this[int number] => Nodes[Names[number - 1]];

    public RunningDatastore Datastore(int number) => _datastores[Names[number - 1]];

    public string Name(int number) => Names[number - 1];

    /// <summary>Starts (or restarts) a node on its state file and its datastore, as a daemon restart keeps both.</summary>
    public HaRaftNode Start(string name)
    {
        var number = Names.ToList().IndexOf(name) + 1;
        var node = new HaRaftNode(Network.TransportFor(name), _datastores[name], new HaRaftNodeOptions
        {
            Release = Release,
            Tick = Tick,
            Time = Time,
            StateFile = new RaftStateFile(Path.Combine(_stateRoot, $"n{number}", RaftStateFile.FileName)),
            ElectionTimeout = () => Tick * (3 + number),
            Log = line =>
            {
                lock (RaftLog)
                {
                    RaftLog.Add(line);
                }
            },
        });
        _datastores[name].Participant = new HaRaftCommitGate(node, null, Tick * 2);
        node.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        Nodes[name] = node;
        return node;
    }

    public void Stop(int number)
    {
        Network.Stop(Name(number));
        Nodes.Remove(Name(number));
    }

    public Task CreateAsync(CancellationToken cancellationToken) =>
        this[1].CreateClusterAsync(Names.Skip(1).ToList(), cancellationToken);

    /// <summary>Moves the clock a quarter tick at a time, ticking every running node, until <paramref name="done"/> holds.</summary>
    public async Task RunUntilAsync(Func<bool> done, CancellationToken cancellationToken, int maxTicks = 30)
    {
        for (var step = 0; step < maxTicks * 4; step++)
        {
            Record();
            if (done())
            {
                return;
            }

            Time.Advance(Tick / 4);
            foreach (var node in Nodes.Values.ToList())
            {
                await node.TickAsync(cancellationToken);
            }

            // Handover's election runs on the thread pool.
            await Task.Delay(2, cancellationToken);
        }

        Record();
        Assert.True(done(), $"not reached within {maxTicks} ticks; roles: {Roles()}");
    }

    public Task RunTicksAsync(int ticks, CancellationToken cancellationToken)
    {
        var until = Time.GetUtcNow() + (Tick * ticks);
        return RunUntilAsync(() => Time.GetUtcNow() >= until, cancellationToken, ticks + 1);
    }

    public IEnumerable<HaRaftNode> Leaders => Nodes.Values.Where(n => n.Role == RaftRole.Leader);

    public string Roles() => string.Join(", ", Nodes.Select(n => $"{n.Key}={n.Value.Role}"));

    public static XElement Edit(string hostName) =>
        XElement.Parse($"<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><system xmlns=\"urn:example:system\"><hostname>{hostName}</hostname></system></config>");

    public static string? HostName(RunningDatastore datastore) =>
        datastore.Current.Nodes.Elements(XName.Get("hostname", "urn:example:system")).FirstOrDefault()?.Value;

    public void Dispose() => Directory.Delete(_stateRoot, recursive: true);

    private void Record()
    {
        foreach (var node in Nodes.Values)
        {
            var status = node.Status;
            if (status.Role == RaftRole.Leader)
            {
                LeadersSeen.Add((status.Term, status.LocalNode));
            }
        }
    }
}
