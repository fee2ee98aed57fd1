using System.Globalization;
using Microsoft.Extensions.Configuration;
using NsoDev.Ipc;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Where this process finds its NSO instance, bound from the variables NSO's own clients read
/// (NSO-NOTES §3): <c>NCS_IPC_PATH</c> wins over <c>NCS_IPC_ADDR</c>/<c>NCS_IPC_PORT</c>,
/// whose defaults are 127.0.0.1 and 4569; <c>NCS_IPC_ACCESS_FILE</c> turns the access check on
/// (<c>CONFD_IPC_ACCESS_FILE</c> is read first, as the client libraries do).
/// </summary>
public sealed class NsoIpcOptions
{
    /// <summary>NSO's default IPC address.</summary>
    public const string DefaultAddress = "127.0.0.1";

    /// <summary>NSO's default IPC port.</summary>
    public const int DefaultPort = 4569;

    /// <summary>The IPC endpoint.</summary>
    public NsoIpcEndpoint Endpoint { get; set; } = new NsoIpcEndpoint.Tcp(DefaultAddress, DefaultPort);

    /// <summary>The secret file of the access check, or null when the check is off.</summary>
    public string? AccessFile { get; set; }

    /// <summary>The NSO release whose protocol to speak (<c>NSO_VERSION</c>, default 6.5).</summary>
    public Version NsoVersion { get; set; } = new(6, 5);

    /// <summary>The longest wait for one connect, preamble included.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times a refused or timed-out connect is retried (NSO may still be starting).</summary>
    public int ConnectRetries { get; set; } = 5;

    /// <summary>Reads the options from configuration, where the environment's <c>NCS_IPC_*</c> variables are.</summary>
    /// <param name="configuration">The configuration, or a section of it for a named connection.</param>
    /// <returns>The options.</returns>
    public static NsoIpcOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new NsoIpcOptions();
        var path = configuration["NCS_IPC_PATH"];
        if (!string.IsNullOrEmpty(path))
        {
            options.Endpoint = new NsoIpcEndpoint.UnixSocket(path);
        }
        else
        {
            // Empty counts as unset, as for NCS_IPC_PATH and the access-file variables.
            var address = configuration["NCS_IPC_ADDR"] is { Length: > 0 } addr ? addr : DefaultAddress;
            var portText = configuration["NCS_IPC_PORT"] is { Length: > 0 } text ? text : null;
            var port = DefaultPort;
            if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            {
                throw new InvalidOperationException($"NCS_IPC_PORT is '{portText}', which is not a TCP port. Set it to the instance's IPC port (1-65535), or unset it for 4569.");
            }

            if (!System.Net.IPAddress.TryParse(address, out _))
            {
                throw new InvalidOperationException($"NCS_IPC_ADDR is '{address}', which is not an IP address. Set it to the instance's IPC address, such as 127.0.0.1.");
            }

            options.Endpoint = new NsoIpcEndpoint.Tcp(address, port);
        }

        var accessFile = configuration["CONFD_IPC_ACCESS_FILE"] is { Length: > 0 } confd ? confd : configuration["NCS_IPC_ACCESS_FILE"];
        options.AccessFile = string.IsNullOrEmpty(accessFile) ? null : accessFile;
        if (configuration["NSO_VERSION"] is { Length: > 0 } version)
        {
            options.NsoVersion = Version.TryParse(version, out var parsed) && parsed.Major > 0
                ? parsed
                : throw new InvalidOperationException($"NSO_VERSION is '{version}', which is not a release such as 6.5. Set it to the instance's NSO release, or unset it for 6.5.");
        }

        return options;
    }

    /// <summary>Reads the access file; a missing or unreadable file is a clear error, never a silent fallback.</summary>
    /// <returns>The secret's bytes, or null when the check is off.</returns>
    public byte[]? ReadSecret()
    {
        if (AccessFile is null)
        {
            return null;
        }

        try
        {
            return File.ReadAllBytes(AccessFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"NCS_IPC_ACCESS_FILE is '{AccessFile}', but it cannot be read ({ex.Message}). Give this process read access to the instance's secret file, or unset NCS_IPC_ACCESS_FILE if the instance's access check is off.", ex);
        }
    }
}
