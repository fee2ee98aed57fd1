using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using NsoDev.Ipc;

namespace NsoDev.Client;

/// <summary>
/// Reads and checks an instance's settings when the client is registered, so a bad value stops the host
/// at start-up with the key to fix, instead of failing at the first connect.
/// </summary>
internal static class NsoIpcClientSettingsReader
{
    private const string ConnectionStringKey = nameof(NsoIpcClientSettings.ConnectionString);
    /// <summary>The form to write, for every error about a connection string; written by the grammar itself.</summary>
    private static readonly string Expected =
        $"An NSO IPC connection string is \"{new NsoIpcConnectionString(new NsoIpcEndpoint.Tcp(NcsIpcVariables.DefaultAddress, NcsIpcVariables.DefaultPort), NsoIpcConnectionString.DefaultRelease)}\" (TCP) "
        + $"or \"{new NsoIpcConnectionString(new NsoIpcEndpoint.UnixSocket("/path/to/ipc.sock"), NsoIpcConnectionString.DefaultRelease)}\" (Unix socket), "
        + $"with \";{NsoIpcConnectionString.AccessFileKey}=/path/to/ipc_access\" when the instance's access check is on.";

    public static (NsoIpcClientSettings Settings, NsoIpcConnection Connection) Read(IConfiguration configuration, string sectionName, string? connectionName, Action<NsoIpcClientSettings>? configureSettings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(sectionName);
        var named = connectionName is null ? null : section.GetSection(connectionName);
        var settings = new NsoIpcClientSettings();
        section.Bind(settings);
        named?.Bind(settings);
        foreach (var bound in new[] { section, named })
        {
            // The binder cannot make an endpoint from a string and would skip it without a word.
            if (bound?.GetSection(nameof(NsoIpcClientSettings.Endpoint)).Exists() == true)
            {
                throw new InvalidOperationException($"{bound.Path}:{nameof(NsoIpcClientSettings.Endpoint)} cannot be set in configuration. Set {bound.Path}:{ConnectionStringKey} instead. {Expected}");
            }
        }

        (string Label, string Removal)? accessFileOrigin = settings.AccessFile is null ? null : (KeyOf(section, named, nameof(NsoIpcClientSettings.AccessFile)), "remove it");
        var source = settings.ConnectionString is null ? null : KeyOf(section, named, ConnectionStringKey);
        if (connectionName is not null && configuration.GetConnectionString(connectionName) is { } injected)
        {
            settings.ConnectionString = injected;
            source = $"ConnectionStrings:{connectionName}";
        }

        if (!string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            Apply(settings, settings.ConnectionString, source!, ref accessFileOrigin);
        }
        else if (connectionName is null)
        {
            ApplyVariables(settings, configuration, ref accessFileOrigin);
        }

        var (connectionString, accessFile) = (settings.ConnectionString, settings.AccessFile);
        configureSettings?.Invoke(settings);
        if (settings.ConnectionString != connectionString && !string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            Apply(settings, settings.ConnectionString, "The ConnectionString set in configureSettings", ref accessFileOrigin);
        }
        else if (settings.AccessFile != accessFile)
        {
            accessFileOrigin = ("The AccessFile set in configureSettings", "set it to null");
        }

        var connection = Check(settings, connectionName, sectionName) with { AccessFileOrigin = accessFileOrigin ?? ("AccessFile", "leave it out") };
        try
        {
            connection.ReadSecret();
        }
        catch (AccessFileUnreadableException ex)
        {
            // At start-up it is a configuration error like the others, of a public type.
            throw new InvalidOperationException(ex.Message, ex.InnerException);
        }

        return (settings, connection);
    }

    private static void Apply(NsoIpcClientSettings settings, string connectionString, string source, ref (string Label, string Removal)? accessFileOrigin)
    {
        NsoIpcConnectionString parsed;
        try
        {
            parsed = NsoIpcConnectionString.Parse(connectionString);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{source} is not a usable NSO IPC connection string: {ex.Message} {Expected}", ex);
        }

        settings.Endpoint = parsed.Endpoint;
        settings.Release = parsed.Release ?? settings.Release;
        if (parsed.AccessFile is not null)
        {
            settings.AccessFile = parsed.AccessFile;
            accessFileOrigin = ($"{NsoIpcConnectionString.AccessFileKey} in {source}", $"remove {NsoIpcConnectionString.AccessFileKey} from it");
        }
    }

    /// <summary>The plain form: the variables NSO's own tools read (NSO-NOTES §3), with NSO's defaults.</summary>
    private static void ApplyVariables(NsoIpcClientSettings settings, IConfiguration configuration, ref (string Label, string Removal)? accessFileOrigin)
    {
        // Unset and empty mean the same, as for NSO's tools.
        string? Variable(string name) => configuration[name] is { Length: > 0 } value ? value : null;
        if (Variable(NcsIpcVariables.Path) is { } path)
        {
            settings.Endpoint = IpcSocketPath.Fits(path)
                ? new NsoIpcEndpoint.UnixSocket(path)
                : throw new InvalidOperationException($"{NcsIpcVariables.Path} is '{path}', {IpcSocketPath.ByteLength(path)} bytes long, over the {IpcSocketPath.MaxBytes} bytes a Unix socket path may have. Give the instance a shorter socket path.");
        }
        else
        {
            var address = Variable(NcsIpcVariables.Address) ?? NcsIpcVariables.DefaultAddress;
            var portText = Variable(NcsIpcVariables.Port);
            var port = NcsIpcVariables.DefaultPort;
            if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            {
                throw new InvalidOperationException($"{NcsIpcVariables.Port} is '{portText}', which is not a TCP port. Set it to the instance's IPC port (1-65535), or unset it for {NcsIpcVariables.DefaultPort}.");
            }

            if (!IPAddress.TryParse(address, out _))
            {
                throw new InvalidOperationException($"{NcsIpcVariables.Address} is '{address}', which is not an IP address. Set it to the instance's IPC address, such as {NcsIpcVariables.DefaultAddress}.");
            }

            settings.Endpoint = new NsoIpcEndpoint.Tcp(address, port);
        }

        // The libraries read ConfD's name first.
        foreach (var name in new[] { NcsIpcVariables.ConfdAccessFile, NcsIpcVariables.AccessFile })
        {
            if (Variable(name) is { } file)
            {
                settings.AccessFile = file;
                accessFileOrigin = (name, $"unset {name}");
                break;
            }
        }
    }

    private static NsoIpcConnection Check(NsoIpcClientSettings settings, string? connectionName, string sectionName)
    {
        var settingsKey = connectionName is null ? sectionName : $"{sectionName}:{connectionName}";
        var endpoint = settings.Endpoint ?? throw new InvalidOperationException(connectionName is null
            ? "configureSettings set the Endpoint to null. Leave it, or give the instance's endpoint."
            : $"NSO instance '{connectionName}' has no connection string: ConnectionStrings:{connectionName} is not set, or empty. Reference the instance from this project in the app host (.WithReference(nso)), or set ConnectionStrings__{connectionName} yourself. {Expected}");
        switch (endpoint)
        {
            case NsoIpcEndpoint.Tcp tcp when !NsoIpcConnectionString.IsHost(tcp.Address):
                throw new InvalidOperationException($"The endpoint's address '{tcp.Address}' is neither an IP address nor a host name. Give the instance's IPC address, such as {NcsIpcVariables.DefaultAddress}.");
            case NsoIpcEndpoint.Tcp tcp when tcp.Port is < 1 or > 65535:
                throw new InvalidOperationException($"The endpoint's port {tcp.Port} is not a TCP port. Give the instance's IPC port (1-65535).");
            case NsoIpcEndpoint.UnixSocket unix when string.IsNullOrEmpty(unix.Path) || !IpcSocketPath.Fits(unix.Path):
                throw new InvalidOperationException($"The endpoint's socket path '{unix.Path}' is empty or over the {IpcSocketPath.MaxBytes} bytes a Unix socket path may have. Give the instance's socket path.");
        }

        if (settings.ConnectTimeout <= TimeSpan.Zero || settings.ConnectTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new InvalidOperationException($"{settingsKey}:{nameof(NsoIpcClientSettings.ConnectTimeout)} is {settings.ConnectTimeout}, which is not a usable timeout. Set it to a positive time such as 00:00:05.");
        }

        if (settings.ConnectRetries < 0)
        {
            throw new InvalidOperationException($"{settingsKey}:{nameof(NsoIpcClientSettings.ConnectRetries)} is {settings.ConnectRetries}. Set it to 0 for no retries, or to how many times a refused connect is retried.");
        }

        var accessFile = string.IsNullOrEmpty(settings.AccessFile) ? null : settings.AccessFile;
        return new NsoIpcConnection(connectionName, endpoint, settings.Release ?? NsoIpcConnectionString.DefaultRelease, accessFile, settings.ConnectTimeout, settings.ConnectRetries);
    }

    private static string KeyOf(IConfigurationSection section, IConfigurationSection? named, string key) =>
        named?[key] is not null ? $"{named.Path}:{key}" : $"{section.Path}:{key}";
}
