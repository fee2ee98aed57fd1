using System.Data.Common;
using System.Globalization;
using System.Net;

namespace NsoDev.Ipc;

/// <summary>
/// The connection string an app host gives a client of one NSO instance (<c>ConnectionStrings__NAME</c>):
/// <c>Host=127.0.0.1;Port=4569</c> for TCP IPC or <c>Path=/abs/ipc.sock</c> for a Unix socket, then
/// optionally <c>Release=6.5</c> (the daemon's release, whose protocol the client announces) and
/// <c>AccessFile=/abs/ipc_access</c> (present exactly when the instance's access check is on).
/// Keys are case-insensitive and in any order; quoting and a repeated key follow <see cref="DbConnectionStringBuilder"/>.
/// An empty value counts as unset, as for the <c>NCS_IPC_*</c> variables.
/// </summary>
/// <param name="Endpoint">Where the daemon serves IPC.</param>
/// <param name="Release">The daemon's release, or null when the string names none.</param>
/// <param name="AccessFile">The access check's secret file, or null when the check is off.</param>
public sealed record NsoIpcConnectionString(NsoIpcEndpoint Endpoint, NsoRelease? Release = null, string? AccessFile = null)
{
    /// <summary>The daemon's IP address or host name (TCP IPC); <see cref="NcsIpcVariables.DefaultAddress"/> when only the port is given.</summary>
    public const string HostKey = "Host";

    /// <summary>The daemon's IPC port (TCP IPC); <see cref="NcsIpcVariables.DefaultPort"/> when only the host is given.</summary>
    public const string PortKey = "Port";

    /// <summary>The daemon's Unix socket, an absolute path of at most <see cref="IpcSocketPath.MaxBytes"/> bytes.</summary>
    public const string PathKey = "Path";

    /// <summary>The daemon's NSO release, such as <c>6.5</c>.</summary>
    public const string ReleaseKey = "Release";

    /// <summary>The absolute path of the access check's secret file.</summary>
    public const string AccessFileKey = "AccessFile";

    /// <summary>The release a client speaks when the string names none.</summary>
    public static readonly NsoRelease DefaultRelease = new(6, 5);

    private static readonly string[] Keys = [HostKey, PortKey, PathKey, ReleaseKey, AccessFileKey];

    /// <summary>Parses a connection string.</summary>
    /// <param name="connectionString">The connection string.</param>
    /// <returns>What it says.</returns>
    /// <exception cref="FormatException">
    /// It is not one; the message names the key at fault and what to write instead. It quotes no value of a key
    /// it does not know, since that may be another service's secret.
    /// </exception>
    public static NsoIpcConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException ex)
        {
            throw new FormatException("it is not a list of KEY=VALUE pairs separated by ';' (quote a value that holds ';' or '=').", ex);
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string key in builder.Keys)
        {
            var known = Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException($"it has a key '{key}', which an NSO IPC connection string does not have. Its keys are {string.Join(", ", Keys)}.");
            if (builder[key] is string { Length: > 0 } value)
            {
                values[known] = value;
            }
        }

        var release = values.TryGetValue(ReleaseKey, out var releaseText) ? ParseRelease(releaseText) : (NsoRelease?)null;
        var accessFile = values.TryGetValue(AccessFileKey, out var file) ? Absolute(AccessFileKey, file) : null;
        return new NsoIpcConnectionString(ParseEndpoint(values), release, accessFile);
    }

    /// <summary>The canonical form, which <see cref="Parse"/> reads back.</summary>
    /// <returns>For example <c>Host=127.0.0.1;Port=4569;Release=6.5</c>.</returns>
    public override string ToString()
    {
        var builder = new DbConnectionStringBuilder();
        switch (Endpoint)
        {
            case NsoIpcEndpoint.Tcp tcp:
                builder[HostKey] = tcp.Address;
                builder[PortKey] = tcp.Port.ToString(CultureInfo.InvariantCulture);
                break;
            case NsoIpcEndpoint.UnixSocket unix:
                builder[PathKey] = unix.Path;
                break;
        }

        if (Release is { } release)
        {
            builder[ReleaseKey] = release.ToString();
        }

        if (AccessFile is not null)
        {
            builder[AccessFileKey] = AccessFile;
        }

        return builder.ConnectionString;
    }

    private static NsoIpcEndpoint ParseEndpoint(Dictionary<string, string> values)
    {
        var hasTcp = values.ContainsKey(HostKey) || values.ContainsKey(PortKey);
        if (values.TryGetValue(PathKey, out var path))
        {
            if (hasTcp)
            {
                throw new FormatException($"it has both {PathKey} and {HostKey}/{PortKey}, but an instance serves IPC on one of them. Keep {PathKey} for a Unix socket, or {HostKey} and {PortKey} for TCP.");
            }

            Absolute(PathKey, path);
            return IpcSocketPath.Fits(path)
                ? new NsoIpcEndpoint.UnixSocket(path)
                : throw new FormatException($"{PathKey} '{path}' is {IpcSocketPath.ByteLength(path)} bytes long, over the {IpcSocketPath.MaxBytes} bytes a Unix socket path may have. Give the instance a shorter socket path.");
        }

        if (!hasTcp)
        {
            throw new FormatException($"it names no endpoint. Give {HostKey} and {PortKey} for TCP IPC, or {PathKey} for a Unix socket.");
        }

        var host = values.GetValueOrDefault(HostKey, NcsIpcVariables.DefaultAddress);
        if (!IsHost(host))
        {
            throw new FormatException($"{HostKey} is '{host}', which is neither an IP address nor a host name. Set {HostKey} to the instance's IPC address, such as {NcsIpcVariables.DefaultAddress}.");
        }

        var port = NcsIpcVariables.DefaultPort;
        if (values.TryGetValue(PortKey, out var portText)
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new FormatException($"{PortKey} is '{portText}', which is not a TCP port. Set it to the instance's IPC port (1-65535).");
        }

        return new NsoIpcEndpoint.Tcp(host, port);
    }

    /// <summary>
    /// Whether <paramref name="host"/> may stand in <see cref="HostKey"/>: an IP address, or a DNS name, which a
    /// container (<c>host.docker.internal</c>) or a published deployment (the <c>ipc</c> binding's host) is given.
    /// Digits and dots alone must make an IPv4 address.
    /// </summary>
    /// <param name="host">The host.</param>
    /// <returns>True when it is one.</returns>
    public static bool IsHost(string host) =>
        IPAddress.TryParse(host, out _)
        || (Uri.CheckHostName(host) == UriHostNameType.Dns && !host.All(c => char.IsAsciiDigit(c) || c == '.'));

    private static NsoRelease ParseRelease(string text) =>
        !text.Any(char.IsWhiteSpace) && NsoRelease.TryParse(text, out var release)
            ? release
            : throw new FormatException($"{ReleaseKey} is '{text}', which is not an NSO release. Set it to the instance's release, such as {DefaultRelease}.");

    // Relative paths would depend on the client's working directory, which the app host does not choose.
    private static string Absolute(string key, string path) =>
        Path.IsPathFullyQualified(path)
            ? path
            : throw new FormatException($"{key} '{path}' is not an absolute path. Give the full path.");
}
