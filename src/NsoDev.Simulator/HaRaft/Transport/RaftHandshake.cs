using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using NsoDev.Ipc.Raft;

namespace NsoDev.Simulator.HaRaft.Transport;

/// <summary>A connection that passed mutual TLS and the hello: the stream, its reader, and the peer's member name.</summary>
internal sealed record RaftVerifiedStream(SslStream Stream, PipeReader Reader, string PeerName);

/// <summary>
/// Mutual TLS between two nodes, each judging the other's certificate with
/// <see cref="RaftTlsPeerVerifier"/> against the member it believes it talks to (NSO-NOTES §13). The dialling
/// node knows whom it dialled and judges during TLS; the answering node learns the member name from the
/// hello and judges then. The cluster-name must match too, as NSO's Erlang cookie must.
/// </summary>
internal sealed class RaftHandshake
{
    private readonly RaftTransportOptions _options;
    private readonly RaftNodeCredentials _credentials;
    private readonly RaftTransportSettings _settings;
    private readonly SslStreamCertificateContext _ownCertificate;
    private readonly bool _withPort;

    public RaftHandshake(RaftTransportOptions options, RaftNodeCredentials credentials, RaftTransportSettings settings, string localNodeName, bool withPort)
    {
        _options = options;
        _credentials = credentials;
        _settings = settings;
        LocalNodeName = localNodeName;
        _withPort = withPort;
        // Peers hold the cluster CA, so only the node's own certificate is sent; offline: no chain downloads.
        _ownCertificate = SslStreamCertificateContext.Create(credentials.Certificate, additionalCertificates: null, offline: true);
    }

    public string LocalNodeName { get; }

    /// <summary>Dials <paramref name="peer"/> at <paramref name="endPoint"/>, checks its certificate, and says hello.</summary>
    /// <exception cref="RaftPeerUnreachableException">It cannot be reached, or one end refused the other.</exception>
    public async Task<RaftVerifiedStream> DialAsync(RaftMemberName peer, IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var peerName = peer.ToString();
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw e is SocketException
                ? new RaftPeerUnreachableException($"{peerName} cannot be reached at {endPoint}: {e.Message}. Check that the node runs and listens there.", e)
                : e;
        }

        string? refusal = null;
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = peer.Host.Name,
                    ClientCertificateContext = _ownCertificate,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        refusal = Judge(certificate, peerName);
                        return refusal is null;
                    },
                },
                cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await stream.DisposeAsync();
            throw;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await stream.DisposeAsync();
            if (refusal is not null)
            {
                _options.Log($"refused {peerName} ({endPoint}): {refusal}");
                throw new RaftPeerUnreachableException($"This node refused {peerName}: {refusal}.", e);
            }

            throw new RaftPeerUnreachableException($"TLS with {peerName} at {endPoint} failed: {e.Message}.", e);
        }

        var reader = PipeReader.Create(stream);
        try
        {
            await stream.WriteAsync(RaftFrame.Hello(LocalNodeName, peerName, _options.ClusterName).Encode(), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            var answer = await RaftFrame.ReadAsync(reader, RaftFrame.MaxHandshakeLength, cancellationToken);
            switch (answer?.Kind)
            {
                case RaftFrameKind.Welcome when Same(answer.Field("from"), peerName) && answer.Field("cluster-name") == _options.ClusterName:
                    return new RaftVerifiedStream(stream, reader, peerName);
                case RaftFrameKind.Welcome:
                    throw new RaftPeerUnreachableException(
                        $"{endPoint} answered as {answer.Field("from")} of cluster '{answer.Field("cluster-name")}', not as {peerName} of '{_options.ClusterName}'.");
                case RaftFrameKind.Refusal:
                    var reason = answer.Field("reason");
                    _options.Log($"{peerName} refused this node: {reason}");
                    throw new RaftPeerUnreachableException($"{peerName} refused this node: {reason}.");
                default:
                    throw new RaftPeerUnreachableException($"{peerName} closed the connection without answering the hello.");
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or RaftPeerUnreachableException or OperationCanceledException)
        {
            await reader.CompleteAsync();
            await stream.DisposeAsync();
            if (e is IOException or InvalidDataException)
            {
                throw new RaftPeerUnreachableException($"{peerName} broke off the hello: {e.Message}.", e);
            }

            throw;
        }
    }

    /// <summary>TLS and the hello from a peer that dialled in; null when it is refused (and the refusal logged).</summary>
    public async Task<RaftVerifiedStream?> AcceptAsync(Socket socket, CancellationToken cancellationToken)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "an unknown address";
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = _ownCertificate,
                    ClientCertificateRequired = true,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    // Judged once the hello names the member the peer claims to be.
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
                },
                cancellationToken);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await stream.DisposeAsync();
            _options.Log($"a connection from {remote} failed its TLS handshake: {(e is OperationCanceledException ? "it took too long" : e.Message)}");
            return null;
        }

        var reader = PipeReader.Create(stream);
        try
        {
            var hello = await RaftFrame.ReadAsync(reader, RaftFrame.MaxHandshakeLength, cancellationToken);
            if (hello is not { Kind: RaftFrameKind.Hello })
            {
                _options.Log($"a connection from {remote} sent no hello");
                await Drop(stream, reader);
                return null;
            }

            var claimed = hello.Field("from");
            var (peerName, refusal) = JudgeHello(claimed, hello.Field("to"), hello.Field("cluster-name"), stream.RemoteCertificate);
            if (refusal is not null)
            {
                _options.Log($"refused {claimed} ({remote}): {refusal}");
                await stream.WriteAsync(RaftFrame.Refusal(refusal).Encode(), cancellationToken);
                await stream.FlushAsync(cancellationToken);
                await Drop(stream, reader);
                return null;
            }

            await stream.WriteAsync(RaftFrame.Welcome(LocalNodeName, _options.ClusterName).Encode(), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            return new RaftVerifiedStream(stream, reader, peerName);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException)
        {
            _options.Log($"a connection from {remote} broke off its hello: {(e is OperationCanceledException ? "it took too long" : e.Message)}");
            await Drop(stream, reader);
            return null;
        }
    }

    private (string PeerName, string? Refusal) JudgeHello(string claimed, string to, string clusterName, X509Certificate? certificate)
    {
        RaftMemberName from;
        try
        {
            from = RaftMemberName.Parse(claimed, _withPort);
        }
        catch (FormatException e)
        {
            return (claimed, e.Message);
        }

        var peerName = from.ToString();
        if (Judge(certificate, peerName) is { } refusal)
        {
            return (peerName, refusal);
        }

        if (!Same(to, LocalNodeName))
        {
            return (peerName, $"it dialled {to}, but this node is {LocalNodeName}: check the member names given to create-cluster and the seed-nodes");
        }

        return clusterName == _options.ClusterName
            ? (peerName, null)
            : (peerName, $"its cluster-name '{clusterName}' is not this node's '{_options.ClusterName}': give every member the same /ncs-config/ha-raft/cluster-name");
    }

    /// <summary>Null when a cluster CA accepts the certificate for the member; else the verifier's reason.</summary>
    private string? Judge(X509Certificate? certificate, string peerName)
    {
        if (certificate is null)
        {
            return "it presented no certificate: configure /ncs-config/ha-raft/ssl/cert-file and key-file on every node";
        }

        var presented = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var now = _settings.Time.GetUtcNow();
        string? first = null;
        foreach (var authority in _credentials.Authorities)
        {
            var refusal = RaftTlsPeerVerifier.Refusal(presented, authority, peerName, _options.Release.Release, now);
            if (refusal is null)
            {
                return null;
            }

            first ??= refusal;
        }

        return first;
    }

    private bool Same(string name, string expected)
    {
        try
        {
            return RaftMemberName.Parse(name, _withPort).ToString() == expected;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static async Task Drop(SslStream stream, PipeReader reader)
    {
        await reader.CompleteAsync();
        await stream.DisposeAsync();
    }
}
