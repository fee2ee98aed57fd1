using NsoDev.Hosting.Plan;

namespace NsoDev.EndToEnd.Tests;

public sealed class AppHostEndToEndTests : IDisposable
{
    private static readonly string[] Names = ["nso-1", "nso-2", "nso-3"];
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-e2e-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 240_000)]
    public async Task The_default_topology_serves_tcp_with_the_access_check_and_a_unix_socket_and_each_client_gets_matching_variables()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=3");
        var nso1 = builder.Nso("nso-1");
        var nso2 = builder.Nso("nso-2");
        var nso3 = builder.Nso("nso-3");

        await using var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        await Task.WhenAll(Names.Select(n => app.ResourceNotifications.WaitForResourceHealthyAsync(n, cancellationToken)));

        // nso-1: TCP IPC with the access check; the preamble needs the secret.
        var tcp1 = Assert.IsType<NsoDev.Ipc.NsoIpcEndpoint.Tcp>(AppHostRun.Ipc(nso1));
        Assert.Null(await AppHostRun.HandshakeAsync(nso1, cancellationToken));
        Assert.NotNull(await AppHostRun.HandshakeAsync(nso1, cancellationToken, "wrong secret"u8.ToArray()));
        var env1 = await AppHostRun.EnvironmentOfAsync(app, builder.Resources.Single(r => r.Name == "nso-1-status"), cancellationToken);
        Assert.Equal(tcp1.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), env1["NCS_IPC_PORT"]);
        Assert.Equal(nso1.RequirePlan().AccessFile, env1["NCS_IPC_ACCESS_FILE"]);
        Assert.False(env1.ContainsKey("NCS_IPC_PATH"));

        // nso-2: a Unix socket in a private directory; clients get NCS_IPC_PATH only.
        var unix2 = Assert.IsType<NsoDev.Ipc.NsoIpcEndpoint.UnixSocket>(AppHostRun.Ipc(nso2));
        Assert.Null(await AppHostRun.HandshakeAsync(nso2, cancellationToken));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(unix2.Path)!));
        var env2 = await AppHostRun.EnvironmentOfAsync(app, builder.Resources.Single(r => r.Name == "nso-2-status"), cancellationToken);
        Assert.Equal(unix2.Path, env2["NCS_IPC_PATH"]);
        Assert.False(env2.ContainsKey("NCS_IPC_PORT"));
        Assert.False(env2.ContainsKey("NCS_IPC_ACCESS_FILE"));

        // nso-3: plain TCP on its own port.
        var tcp3 = Assert.IsType<NsoDev.Ipc.NsoIpcEndpoint.Tcp>(AppHostRun.Ipc(nso3));
        Assert.NotEqual(tcp1.Port, tcp3.Port);
        Assert.Null(await AppHostRun.HandshakeAsync(nso3, cancellationToken));

        // The non-.NET clients run `ncs --status` with nothing but the injected variables.
        foreach (var client in new[] { "nso-1-status", "nso-2-status", "nso-3-status" })
        {
            await AppHostRun.WaitForLogAsync(app, client, "status: started", cancellationToken);
        }

        // The secret is in a 0400 file, and in no env.sh and no dashboard property.
        var secret = await File.ReadAllTextAsync(nso1.RequirePlan().AccessFile!, cancellationToken);
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(nso1.RequirePlan().AccessFile!));
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(nso1.RequirePlan().RunDirectory.EnvScript, cancellationToken), StringComparison.Ordinal);
        Assert.True(app.ResourceNotifications.TryGetCurrentState("nso-1", out var snapshot));
        Assert.DoesNotContain(snapshot.Snapshot.Properties, p => p.Value?.ToString()?.Contains(secret, StringComparison.Ordinal) == true);

        await app.StopAsync(cancellationToken);
        foreach (var nso in new[] { nso1, nso2, nso3 })
        {
            var log = await File.ReadAllTextAsync(Path.Combine(nso.RequirePlan().RunDirectory.LogsDirectory, "ncs.log"), cancellationToken);
            Assert.Contains("clean shutdown", log, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
    }
}
