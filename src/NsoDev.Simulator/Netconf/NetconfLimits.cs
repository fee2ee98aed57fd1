namespace NsoDev.Simulator.Netconf;

/// <summary>
/// Bounds on what one client can make a session hold in memory. A message over
/// <see cref="MaxMessageBytes"/> or a chunk over <see cref="MaxChunkBytes"/> (RFC 6242 allows up
/// to 4294967295) ends the session after a malformed-message error.
/// </summary>
internal sealed record NetconfLimits
{
    public const int DefaultMaxMessageBytes = 64 * 1024 * 1024;

    public const int DefaultMaxChunkBytes = 16 * 1024 * 1024;

    public static NetconfLimits Default { get; } = new();

    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    public int MaxChunkBytes { get; init; } = DefaultMaxChunkBytes;

    /// <summary>How deep the elements of a request may nest (see <see cref="DataStore.XmlInput"/>).</summary>
    public int MaxXmlDepth { get; init; } = DataStore.XmlInput.DefaultMaxDepth;

    /// <summary>The size of the chunks a reply is cut into under :base:1.1 framing.</summary>
    public int ReplyChunkBytes { get; init; } = 64 * 1024;
}
