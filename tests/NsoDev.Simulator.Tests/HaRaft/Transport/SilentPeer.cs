using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using NsoDev.Simulator.HaRaft.Transport;

namespace NsoDev.Simulator.Tests.HaRaft.Transport;

/// <summary>A peer with a good certificate that dials a node, passes TLS and the hello, then never sends again.</summary>
internal sealed class SilentPeer : IDisposable
{
    private readonly SslStream _stream;
    private readonly X509Certificate2 _certificate;

    private SilentPeer(string name, SslStream stream, X509Certificate2 certificate)
    {
        Name = name;
        _stream = stream;
        _certificate = certificate;
    }

    public string Name { get; }

    public static async Task<SilentPeer> ConnectAsync(RaftTestCluster cluster, RaftTestNode target, int ownPort, CancellationToken cancellationToken)
    {
        var address = "ncsd9@127.0.0.1";
        var name = cluster.WithPort ? $"{address}:{ownPort.ToString(CultureInfo.InvariantCulture)}" : address;
        var certificate = cluster.Issue(address);
        var endPoint = target.Transport.ListenEndPoint ?? throw new InvalidOperationException("the target is not started");
        var client = new TcpClient();
        await client.ConnectAsync(endPoint, cancellationToken);
        var stream = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await stream.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = IPAddress.Loopback.ToString(),
                ClientCertificates = [certificate],
                // The node's certificate is not what this peer tests.
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null,
            },
            cancellationToken);
        await stream.WriteAsync(RaftFrame.Hello(name, target.Name, cluster.ClusterName).Encode(), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        return new SilentPeer(name, stream, certificate);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _certificate.Dispose();
    }
}
