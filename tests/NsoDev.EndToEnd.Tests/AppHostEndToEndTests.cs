using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace NsoDev.EndToEnd.Tests;

public sealed class AppHostEndToEndTests : IDisposable
{
    private static readonly TimeSpan StartupBudget = TimeSpan.FromMinutes(3);
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-e2e-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 240_000)]
    public async Task Three_simulated_instances_become_healthy_answer_the_ipc_preamble_and_point_a_dependent_at_the_right_port()
    {
        using var cts = new CancellationTokenSource(StartupBudget);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Nso:Count=3", $"--Nso:RunRoot={_runRoot}"],
            (options, _) => options.DisableDashboard = true,
            cts.Token);
        var nso2 = builder.CreateResourceBuilder<NsoResource>("nso-2");
        var dependent = builder.AddExecutable("ipc-client", "sleep", _runRoot, "600").WithReference(nso2);

        await using var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        string[] names = ["nso-1", "nso-2", "nso-3"];
        await Task.WhenAll(names.Select(n => app.ResourceNotifications.WaitForResourceHealthyAsync(n, cts.Token)));

        var ports = new List<int>();
        foreach (var name in names)
        {
            var nso = (NsoResource)builder.Resources.Single(r => r.Name == name);
            var port = nso.IpcEndpoint.Port;
            ports.Add(port);
            var reply = await IpcPreambleAsync(port, cts.Token);
            Assert.Equal(0, reply[0]);
            Assert.True(File.Exists(Path.Combine(_runRoot, name, "ncs.conf")), $"{name} has no ncs.conf in its run directory");
            Assert.Contains($"export NCS_IPC_PORT='{port}'", await File.ReadAllTextAsync(Path.Combine(_runRoot, name, "env.sh"), cts.Token), StringComparison.Ordinal);
        }

        Assert.Equal(3, ports.Distinct().Count());

        var configuration = await ExecutionConfigurationBuilder.Create(dependent.Resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, cts.Token);
        var environment = configuration.EnvironmentVariables.ToDictionary();
        Assert.Equal(ports[1].ToString(CultureInfo.InvariantCulture), environment["NCS_IPC_PORT"]);
        Assert.Equal("127.0.0.1", environment["NCS_IPC_ADDR"]);

        await app.StopAsync(cts.Token);
        foreach (var name in names)
        {
            var log = await File.ReadAllTextAsync(Path.Combine(_runRoot, name, "logs", "ncs.log"), cts.Token);
            Assert.Contains("clean shutdown", log, StringComparison.Ordinal);
        }
    }

    /// <summary>A MAAPI client's hello (NSO-FACTS section 4); returns the daemon's 9-byte reply.</summary>
    private static async Task<byte[]> IpcPreambleAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        var hello = new byte[9];
        hello[0] = 7;
        BinaryPrimitives.WriteUInt16BigEndian(hello.AsSpan(1), 85);
        BinaryPrimitives.WriteUInt32BigEndian(hello.AsSpan(3), 0x06050000);
        var stream = client.GetStream();
        await stream.WriteAsync(hello, cancellationToken);
        var reply = new byte[9];
        await stream.ReadExactlyAsync(reply, cancellationToken);
        return reply;
    }
}
