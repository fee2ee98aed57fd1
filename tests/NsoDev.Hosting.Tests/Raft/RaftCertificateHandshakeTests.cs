using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using NsoDev.Hosting.Raft;
using NsoDev.Ipc.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Raft;

/// <summary>
/// Two nodes' certificates, as <see cref="RaftTlsFiles"/> writes them, in a real mutual TLS handshake on
/// 127.0.0.1: each side trusts the cluster CA alone and checks the other's node address.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class RaftCertificateHandshakeTests : IDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);

    private readonly string _cluster = Directory.CreateTempSubdirectory("nsodev-raftcert-tls-").FullName;

    public void Dispose() => Directory.Delete(_cluster, recursive: true);

    private (X509Certificate2 Node, X509Certificate2 Authority) Load(string name, string address, NsoRelease release)
    {
        var files = RaftTlsFiles.EnsureNode(_cluster, "stockholm", Path.Combine(_cluster, name), address, release, TimeProvider.System);
        return (X509Certificate2.CreateFromPemFile(files.CertFile, files.KeyFile), X509Certificate2.CreateFromPem(File.ReadAllText(files.CaCertFile)));
    }

    [Theory]
    [InlineData("6.5")]
    [InlineData("6.7")]
    public async Task Two_nodes_complete_a_mutual_tls_handshake_trusting_only_the_cluster_ca(string releaseText)
    {
        var release = NsoRelease.Parse(releaseText);
        var (leader, authority) = Load("raft-1", "ncsd1@127.0.0.1", release);
        var (follower, _) = Load("raft-2", "ncsd2@127.0.0.1", release);

        var (serverSaw, clientSaw) = await HandshakeAsync(leader, "ncsd2@127.0.0.1", follower, "ncsd1@127.0.0.1", authority, release);

        Assert.Equal(follower.Thumbprint, serverSaw);
        Assert.Equal(leader.Thumbprint, clientSaw);
    }

    [Fact]
    public async Task A_node_with_a_certificate_from_another_ca_is_refused_in_the_handshake()
    {
        var release = new NsoRelease(6, 7);
        var (leader, authority) = Load("raft-1", "ncsd1@127.0.0.1", release);
        using var otherAuthority = RaftCertificates.CreateAuthority("stockholm", DateTimeOffset.UtcNow);
        using var intruder = RaftCertificates.IssueNode(otherAuthority, "ncsd2@127.0.0.1", release, DateTimeOffset.UtcNow);
        var refusals = new List<string>();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(leader, "ncsd2@127.0.0.1", intruder, "ncsd1@127.0.0.1", authority, release, refusals));

        Assert.True(error is AuthenticationException or IOException, error.ToString());
        Assert.Contains(refusals, r => r.StartsWith("TLS: RemoteCertificateChainErrors; ", StringComparison.Ordinal) && r.Contains("(unknown CA)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_6_7_certificate_is_refused_by_a_6_5_peer_in_the_handshake()
    {
        var (leader, authority) = Load("raft-1", "ncsd1@127.0.0.1", new NsoRelease(6, 7));
        var (follower, _) = Load("raft-2", "ncsd2@127.0.0.1", new NsoRelease(6, 7));
        var refusals = new List<string>();

        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(leader, "ncsd2@127.0.0.1", follower, "ncsd1@127.0.0.1", authority, new NsoRelease(6, 5), refusals));

        Assert.Contains(refusals, r => r.Contains("only as an iPAddress SAN", StringComparison.Ordinal));
    }

    /// <summary>Runs both ends; returns the thumbprint each side saw of the other.</summary>
    private static async Task<(string ServerSaw, string ClientSaw)> HandshakeAsync(
        X509Certificate2 serverNode,
        string clientAddress,
        X509Certificate2 clientNode,
        string serverAddress,
        X509Certificate2 authority,
        NsoRelease release,
        List<string>? refusals = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HandshakeTimeout);
        var token = timeout.Token;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            string? serverSaw = null;
            string? clientSaw = null;

            async Task ServeAsync()
            {
                using var accepted = await listener.AcceptTcpClientAsync(token);
                await using var tls = new SslStream(accepted.GetStream());
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = SslStreamCertificateContext.Create(serverNode, [], offline: true),
                        ClientCertificateRequired = true,
                        CertificateChainPolicy = ClusterOnly(authority),
                        RemoteCertificateValidationCallback = (_, certificate, _, errors) => Accept(certificate, errors, clientAddress),
                    },
                    token);
                serverSaw = tls.RemoteCertificate?.GetCertHashString();
                await tls.WriteAsync(new byte[] { 1 }, token);
            }

            async Task ConnectAsync()
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, token);
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = RaftTlsHost.FromNodeAddress(serverAddress).Name,
                        ClientCertificateContext = SslStreamCertificateContext.Create(clientNode, [], offline: true),
                        CertificateChainPolicy = ClusterOnly(authority),
                        RemoteCertificateValidationCallback = (_, certificate, _, errors) => Accept(certificate, errors, serverAddress),
                    },
                    token);
                clientSaw = tls.RemoteCertificate?.GetCertHashString();
                // A refused client certificate surfaces on the client only at its first read (TLS 1.3 sends the alert after Finished).
                var buffer = new byte[1];
                await tls.ReadExactlyAsync(buffer, token);
            }

            // Both checks must pass: the TLS stack's chain (the cluster CA as its only root) and the node's own (address, release).
            bool Accept(X509Certificate? certificate, SslPolicyErrors errors, string peerAddress)
            {
                string? refusal;
                if (certificate is null)
                {
                    refusal = "no certificate";
                }
                else
                {
                    using var presented = new X509Certificate2(certificate);
                    refusal = RaftTlsPeerVerifier.Refusal(presented, authority, peerAddress, release, DateTimeOffset.UtcNow);
                }

                // The name is the verifier's to judge: the TLS stack matches TargetHost by RFC 6125, not by NSO's release rules.
                var chainErrors = errors & ~SslPolicyErrors.RemoteCertificateNameMismatch;
                if (chainErrors != SslPolicyErrors.None)
                {
                    refusal = $"TLS: {chainErrors}" + (refusal is null ? string.Empty : "; " + refusal);
                }

                if (refusal is not null && refusals is not null)
                {
                    lock (refusals)
                    {
                        refusals.Add(refusal);
                    }
                }

                return refusal is null;
            }

            var server = ServeAsync();
            var connect = ConnectAsync();
            try
            {
                await Task.WhenAll(server, connect);
            }
            catch (Exception) when (server.IsFaulted || connect.IsFaulted)
            {
                // The side that refused fails first; the other side's error is the consequence.
                throw (server.Exception ?? connect.Exception)!.InnerException!;
            }

            return (serverSaw!, clientSaw!);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>The chain policy a node's TLS stack gets from ssl/ca-cert-file: the cluster CA, and no system roots.</summary>
    private static X509ChainPolicy ClusterOnly(X509Certificate2 authority)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.Add(authority);
        return policy;
    }
}
