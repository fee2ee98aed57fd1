namespace NsoDev.Ipc.Raft;

/// <summary>
/// A node address: an optional node id, then a host (an FQDN, an IPv4 or an IPv6 address). Without
/// a node id NSO takes <c>ncsd</c>, so nodes that share a host each need their own id.
/// </summary>
/// <param name="NodeId">The part before <c>@</c>, e.g. <c>ncsd1</c>; null for none.</param>
/// <param name="Host">The host, e.g. <c>127.0.0.1</c>.</param>
internal sealed record RaftNodeAddress(string? NodeId, string Host)
{
    /// <summary><c>ncsd1@127.0.0.1</c>, or <c>ncsd@127.0.0.1</c> from <c>127.0.0.1</c> alone.</summary>
    public static RaftNodeAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? new RaftNodeAddress(null, text) : new RaftNodeAddress(text[..at], text[(at + 1)..]);
    }

    /// <summary>The id NSO prepends when the address has none (NSO-NOTES §14).</summary>
    public const string DefaultNodeId = "ncsd";

    /// <summary>The id NSO uses for this node: its own, or <see cref="DefaultNodeId"/>.</summary>
    public string EffectiveNodeId => NodeId ?? DefaultNodeId;

    public override string ToString() => NodeId is null ? Host : NodeId + "@" + Host;
}
