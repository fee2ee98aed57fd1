using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using NsoDev.Hosting.Raft;
using NsoDev.Ipc.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Raft;

public sealed class RaftCertificateVerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly NsoRelease Nso65 = new(6, 5);

    private static readonly NsoRelease Nso67 = new(6, 7);

    private static readonly X509Certificate2 Authority = RaftCertificates.CreateAuthority("stockholm", Now);

    [Fact]
    public void A_certificate_with_only_an_ip_address_san_is_refused_by_6_5_and_accepted_by_6_7()
    {
        using var ipOnly = RaftCertificates.IssueNode(Authority, "ncsd2@127.0.0.1", Nso67, Now);

        var refusal = RaftTlsPeerVerifier.Refusal(ipOnly, Authority, "ncsd2@127.0.0.1", Nso65, Now);

        Assert.Equal(
            "certificate 'CN=ncsd2@127.0.0.1, O=NsoDev' names 127.0.0.1 only as an iPAddress SAN, and NSO 6.5 matches an IP node address only against dNSName SANs: add DNS:127.0.0.1 to the certificate's subjectAltName",
            refusal);
        Assert.Null(RaftTlsPeerVerifier.Refusal(ipOnly, Authority, "ncsd2@127.0.0.1", Nso67, Now));
    }

    [Fact]
    public void A_6_5_certificate_is_accepted_by_6_5_and_by_6_7()
    {
        using var both = RaftCertificates.IssueNode(Authority, "ncsd2@127.0.0.1", Nso65, Now);

        Assert.Null(RaftTlsPeerVerifier.Refusal(both, Authority, "ncsd2@127.0.0.1", Nso65, Now));
        Assert.Null(RaftTlsPeerVerifier.Refusal(both, Authority, "ncsd2@127.0.0.1:4572", Nso67, Now));
    }

    [Fact]
    public void A_certificate_from_another_ca_is_refused_as_an_unknown_ca()
    {
        using var otherAuthority = RaftCertificates.CreateAuthority("goteborg", Now);
        using var foreign = RaftCertificates.IssueNode(otherAuthority, "ncsd2@127.0.0.1", Nso67, Now);

        var refusal = RaftTlsPeerVerifier.Refusal(foreign, Authority, "ncsd2@127.0.0.1", Nso67, Now);

        Assert.Equal(
            "certificate 'CN=ncsd2@127.0.0.1, O=NsoDev' is not signed by the cluster CA 'CN=NsoDev HA Raft CA stockholm, O=NsoDev' (unknown CA): give every node certificates from the same cluster CA",
            refusal);
    }

    [Fact]
    public void A_ca_with_the_same_name_but_another_key_is_still_another_ca()
    {
        using var impostor = RaftCertificates.CreateAuthority("stockholm", Now);
        using var foreign = RaftCertificates.IssueNode(impostor, "ncsd2@127.0.0.1", Nso67, Now);

        Assert.Contains("(unknown CA)", RaftTlsPeerVerifier.Refusal(foreign, Authority, "ncsd2@127.0.0.1", Nso67, Now), StringComparison.Ordinal);
    }

    [Fact]
    public void The_ca_itself_is_no_node_certificate()
    {
        Assert.Contains("(unknown CA)", RaftTlsPeerVerifier.Refusal(Authority, Authority, "ncsd2@127.0.0.1", Nso67, Now), StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_certificate_is_refused_with_its_expiry()
    {
        using var node = RaftCertificates.IssueNode(Authority, "ncsd2@127.0.0.1", Nso67, Now);

        var refusal = RaftTlsPeerVerifier.Refusal(node, Authority, "ncsd2@127.0.0.1", Nso67, Now.AddDays(366));

        Assert.Equal("certificate 'CN=ncsd2@127.0.0.1, O=NsoDev' expired at 2027-12-01 12:00:00Z: issue a new node certificate", refusal);
        Assert.Null(RaftTlsPeerVerifier.Refusal(node, Authority, "ncsd2@127.0.0.1", Nso67, Now.AddDays(364)));
    }

    [Fact]
    public void A_certificate_is_accepted_within_the_clock_skew_margin_and_refused_before_it()
    {
        using var node = RaftCertificates.IssueNode(Authority, "ncsd2@127.0.0.1", Nso67, Now);

        Assert.Null(RaftTlsPeerVerifier.Refusal(node, Authority, "ncsd2@127.0.0.1", Nso67, Now.AddMinutes(-4)));
        Assert.Equal(
            "certificate 'CN=ncsd2@127.0.0.1, O=NsoDev' is not valid before 2026-12-01 11:55:00Z: check the clocks of both hosts",
            RaftTlsPeerVerifier.Refusal(node, Authority, "ncsd2@127.0.0.1", Nso67, Now.AddMinutes(-6)));
    }

    [Fact]
    public void A_certificate_for_another_address_is_refused_with_the_names_it_has()
    {
        using var node = RaftCertificates.IssueNode(Authority, "ncsd2@127.0.0.1", Nso65, Now);

        var refusal = RaftTlsPeerVerifier.Refusal(node, Authority, "ncsd3@127.0.0.3", Nso65, Now);

        Assert.Equal(
            "certificate 'CN=ncsd2@127.0.0.1, O=NsoDev' does not name the peer's address 127.0.0.3 in its subjectAltName (DNS:127.0.0.1, IP:127.0.0.1, IP:::1): issue it for node address 'ncsd3@127.0.0.3'",
            refusal);
    }

    [Fact]
    public void A_dns_name_matches_without_regard_to_case_and_an_ip_does_not_stand_for_a_name()
    {
        using var named = RaftCertificates.IssueNode(Authority, "ncsd@node2.example.org", Nso65, Now);

        Assert.Null(RaftTlsPeerVerifier.Refusal(named, Authority, "ncsd@NODE2.example.ORG", Nso65, Now));
        Assert.Contains("does not name the peer's address 127.0.0.1", RaftTlsPeerVerifier.Refusal(named, Authority, "ncsd@127.0.0.1", Nso67, Now), StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_without_a_san_is_refused_as_naming_nothing()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA384);
        using var bare = request.Create(Authority, Now.AddMinutes(-1), Now.AddDays(1), [1, 2, 3, 4]);

        var refusal = RaftTlsPeerVerifier.Refusal(bare, Authority, "ncsd2@127.0.0.1", Nso67, Now);

        Assert.EndsWith("in its subjectAltName (none): issue it for node address 'ncsd2@127.0.0.1'", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ip_written_as_a_dns_name_alone_satisfies_both_bands()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest("CN=n2", key, HashAlgorithmName.SHA384);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("127.0.0.1");
        request.CertificateExtensions.Add(names.Build());
        using var dnsOnly = request.Create(Authority, Now.AddMinutes(-1), Now.AddDays(1), [1, 2, 3, 5]);

        Assert.Null(RaftTlsPeerVerifier.Refusal(dnsOnly, Authority, "ncsd2@127.0.0.1", Nso65, Now));
        Assert.Null(RaftTlsPeerVerifier.Refusal(dnsOnly, Authority, "ncsd2@127.0.0.1", Nso67, Now));
        Assert.Equal([IPAddress.Loopback.ToString()], RaftTlsPeerVerifier.SubjectAlternativeNames(dnsOnly).DnsNames);
    }
}
