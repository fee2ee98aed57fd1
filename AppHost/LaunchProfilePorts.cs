using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

/// <summary>
/// The launch profile fixes the dashboard's URLs (ports 15287, 19287, 20287), so a second AppHost,
/// from another checkout or worktree, failed to bind the resource service's port (issue 10); a taken
/// dashboard port fails silently (Aspire still prints it, and it leads to the other AppHost). Before the
/// builder reads them, each URL that came from the launch profile and whose port is taken moves to port 0
/// on 127.0.0.1: the kernel picks a free port at bind time, and Aspire prints the dashboard's real URL.
/// A URL set on the command line, or in a run without a launch profile, is left as it is.
/// </summary>
internal static class LaunchProfilePorts
{
    public static void MoveTakenPorts(string[] args, TextWriter output)
    {
        // Set by `dotnet run` (and Aspire's CLI) when it applies a profile; such a run overrides
        // the shell's values with the profile's, so a value equal to the profile's is the profile's default.
        var name = Environment.GetEnvironmentVariable("DOTNET_LAUNCH_PROFILE");
        if (string.IsNullOrEmpty(name) || ReadProfile(name) is not { } profile)
        {
            return;
        }

        var commandLine = new ConfigurationBuilder().AddCommandLine(args).Build();
        var moved = new List<string>();
        foreach (var (key, value) in profile)
        {
            if (commandLine[key] is not null || Environment.GetEnvironmentVariable(key) != value)
            {
                continue;
            }

            var urls = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var before = moved.Count;
            for (var i = 0; i < urls.Length; i++)
            {
                if (Uri.TryCreate(urls[i], UriKind.Absolute, out var url) && url.IsLoopback && url.Port > 0 && IsTaken(url))
                {
                    urls[i] = $"{url.Scheme}://127.0.0.1:0";
                    moved.Add($"{url.Port} ({key})");
                }
            }

            if (moved.Count > before)
            {
                Environment.SetEnvironmentVariable(key, string.Join(';', urls));
            }
        }

        if (moved.Count > 0)
        {
            output.WriteLine($"NsoDev: ports of launch profile '{name}' are taken, by another AppHost perhaps: {string.Join(", ", moved)}. This AppHost takes free ones; its dashboard is the \"Login to the dashboard at\" URL below.");
        }
    }

    /// <summary>The profile's URL settings: applicationUrl as ASPNETCORE_URLS, and each variable named *_URL or *_URLS.</summary>
    private static Dictionary<string, string>? ReadProfile(string name)
    {
        var directory = typeof(LaunchProfilePorts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "apphostprojectpath")?.Value;
        var file = directory is null ? null : Path.Combine(directory, "Properties", "launchSettings.json");
        if (file is null || !File.Exists(file))
        {
            return null;
        }

        using var settings = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!settings.RootElement.TryGetProperty("profiles", out var profiles) || !profiles.TryGetProperty(name, out var profile))
        {
            return null;
        }

        var urls = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (profile.TryGetProperty("applicationUrl", out var applicationUrl) && applicationUrl.ValueKind == JsonValueKind.String)
        {
            urls["ASPNETCORE_URLS"] = applicationUrl.GetString()!;
        }

        if (profile.TryGetProperty("environmentVariables", out var variables))
        {
            foreach (var variable in variables.EnumerateObject())
            {
                if ((variable.Name.EndsWith("_URL", StringComparison.OrdinalIgnoreCase) || variable.Name.EndsWith("_URLS", StringComparison.OrdinalIgnoreCase)) && variable.Value.ValueKind == JsonValueKind.String)
                {
                    urls[variable.Name] = variable.Value.GetString()!;
                }
            }
        }

        return urls;
    }

    /// <summary>Whether something listens on the URL's port on a loopback address Aspire binds (both for localhost).</summary>
    private static bool IsTaken(Uri url)
    {
        IPAddress[] addresses = IPAddress.TryParse(url.DnsSafeHost, out var ip) ? [ip] : [IPAddress.Loopback, IPAddress.IPv6Loopback];
        foreach (var address in addresses)
        {
            try
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(address, url.Port));
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return true;
            }
            catch (SocketException)
            {
                // No IPv6 here, say: nothing can listen there either.
            }
        }

        return false;
    }
}
