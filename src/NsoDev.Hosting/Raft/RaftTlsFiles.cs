using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Text;
using NsoDev.Ipc.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Raft;

/// <summary>What <see cref="RaftTlsFiles.EnsureNode"/> left on disk, and why anything was made anew.</summary>
/// <param name="CaCertFile">The node's copy of the CA certificate.</param>
/// <param name="CertFile">The node certificate.</param>
/// <param name="KeyFile">The node's private key, mode 0600.</param>
/// <param name="CrlDirectory">The empty CRL directory.</param>
/// <param name="AuthorityRenewal">Why the cluster CA was made now, or null when the existing one was kept.</param>
/// <param name="NodeRenewal">Why the node certificate was made now, or null when the existing one was kept.</param>
internal sealed record RaftTlsNodeFiles(string CaCertFile, string CertFile, string KeyFile, string CrlDirectory, string? AuthorityRenewal, string? NodeRenewal);

/// <summary>
/// A cluster's TLS material on disk: the CA (certificate and key) in <c>CLUSTER/ca/</c>, and each
/// node's <c>ha-tls/</c> in its run directory. Made once and kept while it is good for 30 more days and
/// still names the node; so a cluster keeps its certificates across runs. Nothing here logs key
/// material; the renewal reasons name files and dates only.
/// </summary>
internal static class RaftTlsFiles
{
    /// <summary>Material with less than this left is made anew, so that a cluster never expires while it runs.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode PublicFile = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public static string AuthorityCertFile(string clusterDirectory) => Path.Combine(clusterDirectory, RaftTlsLayout.AuthorityDirectory, "ca.crt");

    public static string AuthorityKeyFile(string clusterDirectory) => Path.Combine(clusterDirectory, RaftTlsLayout.AuthorityDirectory, "ca.key");

    /// <summary>
    /// Makes sure the node's <c>ha-tls/</c> holds a certificate for <paramref name="nodeAddress"/> from the
    /// cluster's CA, making the CA and the certificate when missing, expiring or no longer matching.
    /// Nodes of one cluster may call this at the same time: a lock file in the CA folder orders them.
    /// </summary>
    /// <param name="clusterDirectory">The cluster's folder, e.g. <c>RUNROOT/raft</c>.</param>
    /// <param name="clusterName">The cluster name, for the CA's subject.</param>
    /// <param name="nodeRunDirectory">The node's run directory.</param>
    /// <param name="nodeAddress">The node address, e.g. <c>ncsd1@127.0.0.1</c>.</param>
    /// <param name="release">The release the node runs, which decides the SANs.</param>
    /// <param name="time">The clock.</param>
    public static RaftTlsNodeFiles EnsureNode(string clusterDirectory, string clusterName, string nodeRunDirectory, string nodeAddress, NsoRelease release, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeRunDirectory);
        ArgumentNullException.ThrowIfNull(time);
        // Bad addresses fail here, before the CA folder is touched.
        _ = RaftTlsHost.FromNodeAddress(nodeAddress);

        var authorityDirectory = Path.Combine(clusterDirectory, RaftTlsLayout.AuthorityDirectory);
        CreatePrivateDirectory(authorityDirectory);
        using var held = HoldLock(Path.Combine(authorityDirectory, ".lock"));

        var now = time.GetUtcNow();
        var (authority, authorityRenewal) = LoadOrCreateAuthority(clusterDirectory, clusterName, now);
        using (authority)
        {
            var tlsDirectory = Path.Combine(nodeRunDirectory, RaftTlsLayout.Directory);
            var files = new RaftTlsNodeFiles(
                Path.Combine(nodeRunDirectory, RaftTlsLayout.CaCertFile),
                Path.Combine(nodeRunDirectory, RaftTlsLayout.CertFile),
                Path.Combine(nodeRunDirectory, RaftTlsLayout.KeyFile),
                Path.Combine(nodeRunDirectory, RaftTlsLayout.CrlDirectory),
                authorityRenewal,
                NodeRenewal: null);
            CreatePrivateDirectory(tlsDirectory);
            CreatePrivateDirectory(files.CrlDirectory);

            var nodeRenewal = NodeRenewalReason(files, authority, nodeAddress, release, now);
            if (nodeRenewal is not null)
            {
                using var node = RaftCertificates.IssueNode(authority, nodeAddress, release, now);
                WriteKey(files.KeyFile, node.GetECDsaPrivateKey()!);
                WriteAtomically(files.CertFile, node.ExportCertificatePem(), PublicFile);
            }
            else
            {
                // A key that was reused keeps its owner-only mode even if someone loosened it.
                SetMode(files.KeyFile, OwnerOnlyFile);
            }

            var caPem = authority.ExportCertificatePem();
            if (!File.Exists(files.CaCertFile) || File.ReadAllText(files.CaCertFile) != caPem)
            {
                WriteAtomically(files.CaCertFile, caPem, PublicFile);
            }

            return files with { NodeRenewal = nodeRenewal };
        }
    }

    /// <summary>The cluster CA with its private key, read from disk, or made when it is missing, unreadable or expiring.</summary>
    public static (X509Certificate2 Authority, string? Renewal) LoadOrCreateAuthority(string clusterDirectory, string clusterName, DateTimeOffset now)
    {
        var certFile = AuthorityCertFile(clusterDirectory);
        var keyFile = AuthorityKeyFile(clusterDirectory);
        var renewal = AuthorityRenewalReason(certFile, keyFile, now, out var existing);
        if (renewal is null)
        {
            SetMode(keyFile, OwnerOnlyFile);
            return (existing!, null);
        }

        existing?.Dispose();
        var authority = RaftCertificates.CreateAuthority(clusterName, now);
        CreatePrivateDirectory(Path.GetDirectoryName(certFile)!);
        WriteKey(keyFile, authority.GetECDsaPrivateKey()!);
        WriteAtomically(certFile, authority.ExportCertificatePem(), PublicFile);
        return (authority, renewal);
    }

    private static string? AuthorityRenewalReason(string certFile, string keyFile, DateTimeOffset now, out X509Certificate2? authority)
    {
        authority = null;
        if (!File.Exists(certFile) || !File.Exists(keyFile))
        {
            return $"no cluster CA in {Path.GetDirectoryName(certFile)}";
        }

        try
        {
            authority = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            return $"the cluster CA in {Path.GetDirectoryName(certFile)} could not be read, or its key does not match its certificate";
        }

        var notAfter = authority.NotAfter.ToUniversalTime();
        return notAfter - now < RenewBefore
            ? $"the cluster CA expires at {notAfter:u}, in less than {RenewBefore.TotalDays:0} days"
            : null;
    }

    private static string? NodeRenewalReason(RaftTlsNodeFiles files, X509Certificate2 authority, string nodeAddress, NsoRelease release, DateTimeOffset now)
    {
        if (!File.Exists(files.CertFile) || !File.Exists(files.KeyFile))
        {
            return $"no node certificate in {Path.GetDirectoryName(files.CertFile)}";
        }

        X509Certificate2 node;
        try
        {
            node = X509Certificate2.CreateFromPemFile(files.CertFile, files.KeyFile);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            return $"the node certificate in {Path.GetDirectoryName(files.CertFile)} could not be read, or its key does not match it";
        }

        using (node)
        {
            if (node.SubjectName.RawData.AsSpan().SequenceEqual(RaftCertificates.NodeSubject(nodeAddress).RawData) is false)
            {
                return $"the node certificate is for '{node.GetNameInfo(X509NameType.SimpleName, forIssuer: false)}', and the node address is now '{nodeAddress}'";
            }

            // The peers' own check, at the end of the renewal margin: a certificate that would fail it by then is made anew now.
            var refusal = RaftTlsPeerVerifier.Refusal(node, authority, nodeAddress, release, now)
                ?? RaftTlsPeerVerifier.Refusal(node, authority, nodeAddress, release, now + RenewBefore);
            return refusal is null ? null : "the node certificate would be refused: " + refusal;
        }
    }

    private static void WriteKey(string path, ECDsa key)
    {
        using (key)
        {
            WriteAtomically(path, key.ExportPkcs8PrivateKeyPem(), OwnerOnlyFile);
        }
    }

    /// <summary>Written beside, then moved over: a reader never sees half a file, and a key is never readable by others, even for a moment.</summary>
    private static void WriteAtomically(string path, string text, UnixFileMode mode)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using (var file = new FileStream(temporary, options))
        {
            file.Write(Encoding.ASCII.GetBytes(text));
            file.Flush(flushToDisk: true);
        }

        // The umask may have taken bits away from a public file; the mode is set exactly.
        SetMode(temporary, mode);
        File.Move(temporary, path, overwrite: true);
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }

        System.IO.Directory.CreateDirectory(path, OwnerOnlyDirectory);
        File.SetUnixFileMode(path, OwnerOnlyDirectory);
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>An exclusive lock on a file; .NET takes it with flock on Unix, so it orders other processes as well as this one.</summary>
    private static FileStream HoldLock(string path)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = OwnerOnlyFile;
                }

                return new FileStream(path, options);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
            catch (IOException exception)
            {
                throw new IOException($"Another process has held the HA Raft CA lock {path} for {LockTimeout.TotalSeconds:0} s. Stop the other app host that uses this run root, or wait until it has written its nodes' certificates.", exception);
            }
        }
    }
}
