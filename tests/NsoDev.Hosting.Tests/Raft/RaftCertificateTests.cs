using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using NsoDev.Hosting.Raft;
using NsoDev.Ipc.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Raft;

public sealed class RaftCertificateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly X509Certificate2 Authority = RaftCertificates.CreateAuthority("stockholm", Now);

    [Theory]
    [InlineData("6.4")]
    [InlineData("6.5")]
    [InlineData("6.6")]
    public void Up_to_6_6_an_ip_node_address_is_written_as_an_ip_and_as_a_dns_name_beside_ipv6_loopback(string release)
    {
        using var node = RaftCertificates.IssueNode(Authority, "ncsd1@127.0.0.1", NsoRelease.Parse(release), Now);

        var (dns, ips) = RaftTlsPeerVerifier.SubjectAlternativeNames(node);

        Assert.Equal(["127.0.0.1"], dns);
        Assert.Equal([IPAddress.Parse("127.0.0.1"), IPAddress.IPv6Loopback], ips);
    }

    [Theory]
    [InlineData("6.7")]
    [InlineData("7.0")]
    public void From_6_7_an_ip_node_address_is_written_as_an_ip_only(string release)
    {
        using var node = RaftCertificates.IssueNode(Authority, "ncsd1@127.0.0.1:4571", NsoRelease.Parse(release), Now);

        var (dns, ips) = RaftTlsPeerVerifier.SubjectAlternativeNames(node);

        Assert.Empty(dns);
        Assert.Equal([IPAddress.Parse("127.0.0.1"), IPAddress.IPv6Loopback], ips);
    }

    [Theory]
    [InlineData("6.5")]
    [InlineData("6.7")]
    public void A_dns_node_address_is_a_dns_name_in_every_release(string release)
    {
        using var node = RaftCertificates.IssueNode(Authority, "ncsd@Node1.Example.org", NsoRelease.Parse(release), Now);

        var (dns, ips) = RaftTlsPeerVerifier.SubjectAlternativeNames(node);

        Assert.Equal(["node1.example.org"], dns);
        Assert.Equal([IPAddress.IPv6Loopback], ips);
    }

    [Fact]
    public void An_ipv6_loopback_node_address_is_not_written_twice()
    {
        using var node = RaftCertificates.IssueNode(Authority, "ncsd1@[::1]:4571", new NsoRelease(6, 7), Now);

        Assert.Equal([IPAddress.IPv6Loopback], RaftTlsPeerVerifier.SubjectAlternativeNames(node).IpAddresses);
    }

    [Fact]
    public void A_node_certificate_is_a_p384_end_entity_for_tls_server_and_client_with_the_authority_key_id()
    {
        using var node = RaftCertificates.IssueNode(Authority, "ncsd1@127.0.0.1", new NsoRelease(6, 7), Now);

        var constraints = node.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.False(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var usage = node.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, usage.KeyUsages);
        Assert.True(usage.Critical);
        var purposes = node.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], purposes);
        var authorityKeyId = node.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier;
        Assert.Equal(Convert.FromHexString(Authority.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier!), authorityKeyId!.Value.ToArray());
        Assert.Equal("CN=ncsd1@127.0.0.1, O=NsoDev", node.Subject);
        Assert.Equal(Authority.Subject, node.Issuer);
        using var key = node.GetECDsaPublicKey()!;
        Assert.Equal(384, key.KeySize);
        Assert.Equal("1.2.840.10045.4.3.3", node.SignatureAlgorithm.Value); // ecdsa-with-SHA384
        Assert.True(node.HasPrivateKey);
    }

    [Fact]
    public void The_authority_is_a_critical_ca_that_signs_certificates_and_crls_only()
    {
        var constraints = Authority.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var usage = Authority.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.True(usage.Critical);
        Assert.NotNull(Authority.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier);
        Assert.Equal("CN=NsoDev HA Raft CA stockholm, O=NsoDev", Authority.Subject);
        using var key = Authority.GetECDsaPublicKey()!;
        Assert.Equal(384, key.KeySize);
    }

    [Fact]
    public void A_node_certificate_runs_a_year_and_the_authority_ten_both_from_a_few_minutes_ago()
    {
        using var node = RaftCertificates.IssueNode(Authority, "ncsd1@127.0.0.1", new NsoRelease(6, 7), Now);

        Assert.Equal(Now.AddMinutes(-5), node.NotBefore.ToUniversalTime());
        Assert.Equal(Now.AddDays(365), node.NotAfter.ToUniversalTime());
        Assert.Equal(Now.AddMinutes(-5), Authority.NotBefore.ToUniversalTime());
        Assert.Equal(Now.AddDays(3652), Authority.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void A_node_certificate_never_outlives_its_authority()
    {
        var late = Authority.NotAfter.ToUniversalTime().AddDays(-100);

        using var node = RaftCertificates.IssueNode(Authority, "ncsd1@127.0.0.1", new NsoRelease(6, 7), late);

        Assert.Equal(Authority.NotAfter, node.NotAfter);
    }

    [Fact]
    public void Every_node_certificate_has_its_own_serial_number_and_key()
    {
        using var one = RaftCertificates.IssueNode(Authority, "ncsd1@127.0.0.1", new NsoRelease(6, 7), Now);
        using var two = RaftCertificates.IssueNode(Authority, "ncsd1@127.0.0.1", new NsoRelease(6, 7), Now);

        Assert.NotEqual(one.SerialNumber, two.SerialNumber);
        Assert.NotEqual(one.GetPublicKey(), two.GetPublicKey());
    }

    [Theory]
    [InlineData("ncsd1@localhost", "short host name 'localhost'")]
    [InlineData("ncsd1@0.0.0.0", "wildcard address 0.0.0.0")]
    [InlineData("ncsd1@::", "wildcard address ::")]
    [InlineData("ncsd1@*.example.org", "wildcard '*.example.org'")]
    [InlineData("ncsd1@", "no host")]
    [InlineData("ncsd1@bad_name.example.org", "neither an IP address nor a DNS name")]
    public void A_node_address_nso_would_refuse_gets_no_certificate_and_an_error_with_the_fix(string address, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => RaftCertificates.IssueNode(Authority, address, new NsoRelease(6, 7), Now));

        Assert.Contains($"'{address}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains("e.g. ncsd1@127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ncsd1@127.0.0.1", "127.0.0.1", true)]
    [InlineData("ncsd1@127.0.0.1:4571", "127.0.0.1", true)]
    [InlineData("127.0.0.2", "127.0.0.2", true)]
    [InlineData("ncsd@::1", "::1", true)]
    [InlineData("ncsd@[::1]:4570", "::1", true)]
    [InlineData("ncsd@node1.example.org:4570", "node1.example.org", false)]
    public void The_host_is_read_from_every_node_address_form(string address, string host, bool isIp)
    {
        var parsed = RaftTlsHost.FromNodeAddress(address);

        Assert.Equal(host, parsed.Name);
        Assert.Equal(isIp, parsed.IsIp);
    }
}
