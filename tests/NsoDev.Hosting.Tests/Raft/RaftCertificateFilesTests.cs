using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using NsoDev.Hosting.Raft;
using NsoDev.Ipc.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Raft;

[UnsupportedOSPlatform("windows")]
public sealed class RaftCertificateFilesTests : IDisposable
{
    private const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OwnerDirectory = Owner | UnixFileMode.UserExecute;

    private static readonly NsoRelease Nso65 = new(6, 5);

    private static readonly NsoRelease Nso67 = new(6, 7);

    private readonly string _cluster = Directory.CreateTempSubdirectory("nsodev-raftcert-").FullName;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_cluster, recursive: true);

    private string Node(int n) => Path.Combine(_cluster, $"raft-{n}");

    private RaftTlsNodeFiles Ensure(int n, string address, NsoRelease? release = null) =>
        RaftTlsFiles.EnsureNode(_cluster, "stockholm", Node(n), address, release ?? Nso67, _time);

    private static string Thumbprint(string certFile) => X509Certificate2.CreateFromPem(File.ReadAllText(certFile)).Thumbprint;

    [Fact]
    public void A_node_gets_the_6_7_example_layout_with_pem_files()
    {
        var files = Ensure(1, "ncsd1@127.0.0.1");

        Assert.Equal(Path.Combine(Node(1), "ha-tls", "ca.crt"), files.CaCertFile);
        Assert.Equal(Path.Combine(Node(1), "ha-tls", "node.crt"), files.CertFile);
        Assert.Equal(Path.Combine(Node(1), "ha-tls", "node.key"), files.KeyFile);
        Assert.True(Directory.Exists(files.CrlDirectory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(files.CrlDirectory));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(files.CertFile), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(files.CaCertFile), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(files.KeyFile), StringComparison.Ordinal);
        using var node = X509Certificate2.CreateFromPemFile(files.CertFile, files.KeyFile);
        using var authority = X509Certificate2.CreateFromPem(File.ReadAllText(files.CaCertFile));
        Assert.Null(RaftTlsPeerVerifier.Refusal(node, authority, "ncsd1@127.0.0.1", Nso67, _time.GetUtcNow()));
        Assert.Equal(File.ReadAllText(RaftTlsFiles.AuthorityCertFile(_cluster)), File.ReadAllText(files.CaCertFile));
        Assert.Equal(["ca.crt", "crls", "node.crt", "node.key"], Directory.EnumerateFileSystemEntries(Path.Combine(Node(1), "ha-tls")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Keys_are_0600_in_0700_directories_and_the_ca_key_stays_in_the_cluster_folder()
    {
        var files = Ensure(1, "ncsd1@127.0.0.1");

        Assert.Equal(Owner, File.GetUnixFileMode(files.KeyFile));
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(Path.Combine(Node(1), "ha-tls")));
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(files.CrlDirectory));
        Assert.Equal(Owner, File.GetUnixFileMode(RaftTlsFiles.AuthorityKeyFile(_cluster)));
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(Path.Combine(_cluster, "ca")));
        Assert.DoesNotContain(Directory.EnumerateFiles(Node(1), "*", SearchOption.AllDirectories), f => File.ReadAllText(f) == File.ReadAllText(RaftTlsFiles.AuthorityKeyFile(_cluster)));
    }

    [Fact]
    public void A_reused_key_gets_its_0600_back()
    {
        var files = Ensure(1, "ncsd1@127.0.0.1");
        File.SetUnixFileMode(files.KeyFile, Owner | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(RaftTlsFiles.AuthorityKeyFile(_cluster), Owner | UnixFileMode.OtherRead);

        Ensure(1, "ncsd1@127.0.0.1");

        Assert.Equal(Owner, File.GetUnixFileMode(files.KeyFile));
        Assert.Equal(Owner, File.GetUnixFileMode(RaftTlsFiles.AuthorityKeyFile(_cluster)));
    }

    [Fact]
    public void A_second_run_keeps_the_ca_and_the_node_certificate()
    {
        var first = Ensure(1, "ncsd1@127.0.0.1");
        var node = Thumbprint(first.CertFile);
        var key = File.ReadAllText(first.KeyFile);
        var authority = Thumbprint(first.CaCertFile);
        _time.Advance(TimeSpan.FromDays(200));

        var second = Ensure(1, "ncsd1@127.0.0.1");

        Assert.NotNull(first.AuthorityRenewal);
        Assert.NotNull(first.NodeRenewal);
        Assert.Null(second.AuthorityRenewal);
        Assert.Null(second.NodeRenewal);
        Assert.Equal(node, Thumbprint(second.CertFile));
        Assert.Equal(key, File.ReadAllText(second.KeyFile));
        Assert.Equal(authority, Thumbprint(second.CaCertFile));
    }

    [Fact]
    public void Every_node_of_a_cluster_gets_a_certificate_from_the_same_ca()
    {
        var one = Ensure(1, "ncsd1@127.0.0.1");
        var two = Ensure(2, "ncsd2@127.0.0.1");

        Assert.Null(two.AuthorityRenewal);
        Assert.Equal(File.ReadAllText(one.CaCertFile), File.ReadAllText(two.CaCertFile));
        Assert.NotEqual(Thumbprint(one.CertFile), Thumbprint(two.CertFile));
    }

    [Fact]
    public void Nodes_that_start_together_share_one_ca()
    {
        var files = Enumerable.Range(1, 3).AsParallel().Select(n => Ensure(n, $"ncsd{n}@127.0.0.1")).ToList();

        Assert.Single(files, f => f.AuthorityRenewal is not null);
        Assert.Single(files.Select(f => File.ReadAllText(f.CaCertFile)).Distinct());
    }

    [Fact]
    public void A_changed_address_gets_a_new_certificate_for_it_from_the_same_ca()
    {
        var first = Ensure(1, "ncsd1@127.0.0.1");
        var old = Thumbprint(first.CertFile);

        var moved = Ensure(1, "ncsd1@127.0.0.2");

        Assert.NotEqual(old, Thumbprint(moved.CertFile));
        Assert.Null(moved.AuthorityRenewal);
        Assert.Equal("the node certificate is for 'ncsd1@127.0.0.1', and the node address is now 'ncsd1@127.0.0.2'", moved.NodeRenewal);
        using var node = X509Certificate2.CreateFromPemFile(moved.CertFile, moved.KeyFile);
        using var authority = X509Certificate2.CreateFromPem(File.ReadAllText(moved.CaCertFile));
        Assert.Null(RaftTlsPeerVerifier.Refusal(node, authority, "ncsd1@127.0.0.2", Nso67, _time.GetUtcNow()));
    }

    [Fact]
    public void A_changed_node_id_on_the_same_host_gets_a_new_certificate()
    {
        var old = Thumbprint(Ensure(1, "ncsd1@127.0.0.1").CertFile);

        var renamed = Ensure(1, "ncsd9@127.0.0.1");

        Assert.NotEqual(old, Thumbprint(renamed.CertFile));
        Assert.Equal("the node certificate is for 'ncsd1@127.0.0.1', and the node address is now 'ncsd9@127.0.0.1'", renamed.NodeRenewal);
    }

    [Fact]
    public void Going_back_from_6_7_to_6_5_adds_the_dns_name_that_6_5_needs()
    {
        Ensure(1, "ncsd1@127.0.0.1", Nso67);

        var older = Ensure(1, "ncsd1@127.0.0.1", Nso65);

        Assert.Contains("only as an iPAddress SAN", older.NodeRenewal, StringComparison.Ordinal);
        using var node = X509Certificate2.CreateFromPem(File.ReadAllText(older.CertFile));
        Assert.Equal(["127.0.0.1"], RaftTlsPeerVerifier.SubjectAlternativeNames(node).DnsNames);
    }

    [Fact]
    public void A_node_certificate_with_less_than_30_days_left_is_made_anew()
    {
        var old = Thumbprint(Ensure(1, "ncsd1@127.0.0.1").CertFile);
        _time.Advance(TimeSpan.FromDays(334));
        Assert.Equal(old, Thumbprint(Ensure(1, "ncsd1@127.0.0.1").CertFile));
        _time.Advance(TimeSpan.FromDays(2));

        var renewed = Ensure(1, "ncsd1@127.0.0.1");

        Assert.NotEqual(old, Thumbprint(renewed.CertFile));
        Assert.Contains("expired at", renewed.NodeRenewal, StringComparison.Ordinal);
        Assert.Null(renewed.AuthorityRenewal);
    }

    [Fact]
    public void An_expiring_ca_is_made_anew_and_its_node_certificates_with_it()
    {
        var first = Ensure(1, "ncsd1@127.0.0.1");
        var oldAuthority = Thumbprint(first.CaCertFile);
        _time.Advance(TimeSpan.FromDays(3652 - 29));

        var renewed = Ensure(1, "ncsd1@127.0.0.1");

        Assert.StartsWith("the cluster CA expires at", renewed.AuthorityRenewal, StringComparison.Ordinal);
        Assert.NotEqual(oldAuthority, Thumbprint(renewed.CaCertFile));
        Assert.Contains("(unknown CA)", renewed.NodeRenewal, StringComparison.Ordinal);
        using var node = X509Certificate2.CreateFromPemFile(renewed.CertFile, renewed.KeyFile);
        using var authority = X509Certificate2.CreateFromPem(File.ReadAllText(renewed.CaCertFile));
        Assert.Null(RaftTlsPeerVerifier.Refusal(node, authority, "ncsd1@127.0.0.1", Nso67, _time.GetUtcNow()));
    }

    [Fact]
    public void A_key_that_does_not_match_its_certificate_is_replaced()
    {
        var one = Ensure(1, "ncsd1@127.0.0.1");
        var two = Ensure(2, "ncsd2@127.0.0.1");
        File.Copy(two.KeyFile, one.KeyFile, overwrite: true);

        var repaired = Ensure(1, "ncsd1@127.0.0.1");

        Assert.Contains("its key does not match it", repaired.NodeRenewal, StringComparison.Ordinal);
        using var node = X509Certificate2.CreateFromPemFile(repaired.CertFile, repaired.KeyFile);
        Assert.True(node.HasPrivateKey);
    }

    [Fact]
    public void A_bad_node_address_leaves_nothing_on_disk()
    {
        var error = Assert.Throws<ArgumentException>(() => Ensure(1, "ncsd1@localhost"));

        Assert.Contains("short host name 'localhost'", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_cluster, "ca")));
        Assert.False(Directory.Exists(Node(1)));
    }
}
