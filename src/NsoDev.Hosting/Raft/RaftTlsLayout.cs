namespace NsoDev.Hosting.Raft;

/// <summary>
/// Where a node's HA Raft TLS files are, relative to its run directory, as ncs.conf names them: the
/// layout of Cisco's 6.7 raft-cluster example (NSO-NOTES §13).
/// </summary>
internal static class RaftTlsLayout
{
    public const string Directory = "ha-tls";

    public const string CaCertFile = "ha-tls/ca.crt";

    public const string CertFile = "ha-tls/node.crt";

    public const string KeyFile = "ha-tls/node.key";

    /// <summary>Kept empty: NsoDev revokes nothing, and a cluster whose trust changes gets a new CA.</summary>
    public const string CrlDirectory = "ha-tls/crls/";

    /// <summary>The cluster CA's folder, beside the nodes' run directories, so that it outlives a node's reset.</summary>
    public const string AuthorityDirectory = "ca";
}
