using System.Globalization;
using System.Text.Json;
using NsoDev.Hosting.Plan;

namespace NsoDev.EndToEnd.Tests;

/// <summary>Defaults that keep an instance private to its user and its machine.</summary>
public sealed class SecurityTests : IDisposable
{
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-sec-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 240_000)]
    public async Task Ipc_and_northbound_ports_listen_on_loopback_only_by_default()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=2");
        await using var app = await builder.StartHealthyAsync(cancellationToken, "nso-1", "nso-2");

        var listening = ListeningTcpSockets();
        foreach (var nso in builder.Resources.OfType<NsoResource>())
        {
            foreach (var port in nso.RequirePlan().Ports.Ports.Values)
            {
                Assert.True(listening.TryGetValue(port, out var address), $"{nso.Name}: nothing listens on {port}");
                Assert.Equal("127.0.0.1", address);
            }
        }
    }

    [Fact]
    public void The_published_manifest_holds_secrets_only_as_secret_parameters_without_values_and_the_ipc_secret_as_a_mounted_file()
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "publish", "aspire-manifest.json")));
        var resources = manifest.RootElement.GetProperty("resources");

        var secretParameters = resources.EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() == "parameter.v0" && r.Value.GetProperty("inputs").GetProperty("value").TryGetProperty("secret", out var s) && s.GetBoolean())
            .ToList();
        Assert.Equal(["nso-admin-password"], secretParameters.Select(p => p.Name));
        Assert.All(secretParameters, p => Assert.False(p.Value.GetProperty("inputs").GetProperty("value").TryGetProperty("default", out _), $"{p.Name} has a default"));
        var nso1 = resources.GetProperty("nso-1");
        Assert.Equal("{nso-admin-password.value}", nso1.GetProperty("env").GetProperty("ADMIN_PASSWORD").GetString());

        // The IPC secret reaches the container as a read-only mount of a file beside the manifest, never through its environment.
        Assert.DoesNotContain(nso1.GetProperty("env").EnumerateObject(), e => e.Name.Contains("SECRET", StringComparison.OrdinalIgnoreCase));
        var mount = Assert.Single(nso1.GetProperty("bindMounts").EnumerateArray());
        Assert.Equal("secrets/nso-1", mount.GetProperty("source").GetString());
        Assert.True(mount.GetProperty("readOnly").GetBoolean());
    }

    /// <summary>Port → IPv4 address of every listening TCP socket, from /proc/net/tcp (state 0A).</summary>
    private static Dictionary<int, string> ListeningTcpSockets()
    {
        var sockets = new Dictionary<int, string>();
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[3] != "0A")
            {
                continue;
            }

            var local = fields[1].Split(':');
            var ip = uint.Parse(local[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var address = string.Join('.', BitConverter.GetBytes(ip));
            sockets[int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = address;
        }

        return sockets;
    }
}
