namespace NsoDev.Ipc;

/// <summary>What <see cref="IpcPreamble.ConnectAsync(IpcConnectOptions, CancellationToken)"/> needs to open one IPC connection.</summary>
/// <param name="Endpoint">Where the daemon listens.</param>
/// <param name="ClientType">The client id to send.</param>
/// <param name="Release">The daemon's release, whose protocol and library versions the hello announces.</param>
public sealed record IpcConnectOptions(NsoIpcEndpoint Endpoint, NsoClientType ClientType, NsoRelease Release)
{
    /// <summary>The access file's bytes, or null when the daemon's check is off.</summary>
    public byte[]? Secret { get; init; }

    /// <summary>
    /// Ask for an MD5 (v1) challenge instead of SHA-256 (v2), as NSO's C library does; the secret is then
    /// read as that library reads the file: at most 1007 bytes, up to the first NUL byte.
    /// </summary>
    public bool UseV1 { get; init; }

    /// <summary>Overrides the release's protocol version, to replay another library's hello.</summary>
    public ushort? ProtocolVersion { get; init; }

    /// <summary>Overrides the release's packed library version, e.g. 0x08020500 as 6.2.5's C library sends.</summary>
    public uint? LibraryVersion { get; init; }

    /// <summary>The protocol version the hello carries.</summary>
    public ushort AnnouncedProtocolVersion => ProtocolVersion ?? Release.ProtocolVersion;

    /// <summary>The library version the hello carries.</summary>
    public uint AnnouncedLibraryVersion => LibraryVersion ?? Release.LibraryVersion();
}
