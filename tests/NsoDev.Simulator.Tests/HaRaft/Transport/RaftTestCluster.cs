using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using NsoDev.Hosting.Raft;
using NsoDev.Ipc;
using NsoDev.Simulator.HaRaft;
using NsoDev.Simulator.HaRaft.Transport;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.HaRaft.Transport;

/// <summary>
/// Nodes of one test cluster on 127.0.0.1: a cluster CA and node certificates from NsoDev's own
/// <see cref="RaftCertificates"/> (linked source), written as PEM files in a temporary folder, and the
/// options a node's transport gets from ncs.conf. Every node's log lines are kept for assertions.
/// </summary>
internal sealed class RaftTestCluster : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private int _files;

    public RaftTestCluster(string release, string clusterName = "raft-test")
    {
        Release = NsoVersion.Parse(release);
        ClusterName = clusterName;
        Folder = Directory.CreateTempSubdirectory("nso-sim-raft-").FullName;
        // Made two years back (a CA lasts ten), so that the CA can also issue a certificate that has expired.
        Authority = RaftCertificates.CreateAuthority(clusterName, DateTimeOffset.UtcNow - TimeSpan.FromDays(730));
        CaCertFile = Write("ca.crt", Authority.ExportCertificatePem());
    }

    public NsoVersion Release { get; }

    public bool WithPort => Release.Release >= RaftTlsTransport.SingleListenPortIntroduced;

    public string ClusterName { get; }

    public string Folder { get; }

    public X509Certificate2 Authority { get; }

    public string CaCertFile { get; }

    /// <summary>The epmd port ≤6.6 nodes use; tests set a free one (never 4369, which may be taken).</summary>
    public int EpmdPort { get; init; }

    /// <summary>How ≤6.6 nodes start epmd when none answers; by default a test fails if they try.</summary>
    public EpmdStarter StartEpmd { get; init; } = (port, _) => throw new InvalidOperationException($"the test expected an epmd on port {port}");

    /// <summary>A node's options: its certificate issued by this cluster's CA unless <paramref name="certificate"/> is given.</summary>
    public RaftTestNode Node(int id, int port, X509Certificate2? certificate = null, string? clusterName = null, (int Min, int Max)? range = null)
    {
        var address = $"ncsd{id.ToString(CultureInfo.InvariantCulture)}@127.0.0.1";
        certificate ??= Issue(address);
        var log = new ConcurrentQueue<string>();
        var options = new RaftTransportOptions
        {
            ClusterName = clusterName ?? ClusterName,
            NodeAddress = address,
            ListenPort = WithPort ? port : null,
            DistributionPorts = range ?? (port, port),
            Release = Release,
            CertFile = Write($"node{id}-{_files}.crt", certificate.ExportCertificatePem()),
            KeyFile = Write($"node{id}-{_files}.key", certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()),
            CaCertFile = CaCertFile,
            Log = log.Enqueue,
        };
        var settings = RaftTransportSettings.Default with { EpmdPort = EpmdPort, StartEpmd = StartEpmd };
        var transport = new RaftTlsTransport(options, settings);
        _owned.Add(transport);
        return new RaftTestNode(WithPort ? $"{address}:{port.ToString(CultureInfo.InvariantCulture)}" : address, transport, options, log);
    }

    /// <summary>A node certificate from this cluster's CA for <paramref name="nodeAddress"/>, as NsoDev issues it.</summary>
    public X509Certificate2 Issue(string nodeAddress, NsoRelease? release = null, DateTimeOffset? now = null) =>
        RaftCertificates.IssueNode(Authority, nodeAddress, release ?? Release.Release, now ?? DateTimeOffset.UtcNow);

    /// <summary>Starts each node with a handler that echoes the request, naming the node that answered.</summary>
    public static async Task StartEchoingAsync(CancellationToken cancellationToken, params RaftTestNode[] nodes)
    {
        foreach (var node in nodes)
        {
            await node.Transport.StartAsync(node.Echo, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        Authority.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private string Write(string name, string pem)
    {
        _files++;
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, pem);
        return path;
    }
}

/// <summary>One node: its member name, transport, options and log.</summary>
internal sealed record RaftTestNode(string Name, RaftTlsTransport Transport, RaftTransportOptions Options, ConcurrentQueue<string> Log)
{
    public string LogText => string.Join("\n", Log);

    public Task<RaftMessage> Echo(string fromNode, RaftMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new RaftMessage(request.Type + "-reply", new Dictionary<string, string>(request.Fields) { ["from"] = fromNode, ["by"] = Name }));

    public static RaftMessage Ping(string text) => new("ping", new Dictionary<string, string> { ["text"] = text });
}
