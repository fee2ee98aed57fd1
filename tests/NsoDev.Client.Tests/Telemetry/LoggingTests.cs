using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;
using NsoDev.Client.Tests.Sim;
using NsoDev.Ipc;

namespace NsoDev.Client.Tests.Telemetry;

/// <summary>What the client logs: which instance, where, and why it failed; never a secret.</summary>
public sealed class LoggingTests(TcpWithAccessCheckSimFixture fixture) : SimDaemonTests(fixture), IClassFixture<TcpWithAccessCheckSimFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task A_rejected_connect_is_a_warning_naming_the_instance_endpoint_and_reason_and_no_secret_reaches_the_log()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var wrong = new TempSecret("wrong-secret-never-logged\n");
        var variables = ClientHost.Variables(
            ("ConnectionStrings:cfs", Daemon.ConnectionString),
            ("ConnectionStrings:rfs", Daemon.ConnectionString.Replace(Daemon.SecretFile!, wrong.Path, StringComparison.Ordinal)));
        using var host = ClientHost.Build(variables, b =>
        {
            b.Services.AddFakeLogging();
            b.AddKeyedNsoIpcClient("cfs");
            b.AddKeyedNsoIpcClient("rfs");
        });

        using (await host.Services.GetRequiredKeyedService<NsoIpcClient>("cfs").ConnectAsync(NsoClientType.Maapi, cancellationToken))
        {
        }

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => host.Services.GetRequiredKeyedService<NsoIpcClient>("rfs").ConnectAsync(NsoClientType.Maapi, cancellationToken));
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(cancellationToken);

        var logged = host.Services.GetFakeLogCollector().GetSnapshot();
        var warning = Assert.Single(logged, r => r.Level == LogLevel.Warning);
        Assert.StartsWith($"NSO IPC connect to 'rfs' on {Daemon.Endpoint} as Maapi failed (AccessRejected): Access Rejected", warning.Message, StringComparison.Ordinal);
        var everything = string.Join('\n', logged.Select(r => r.Message).Append(error.Message).Concat(report.Entries.Values.Select(e => e.Description)));
        Assert.DoesNotContain("wrong-secret-never-logged", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(System.Text.Encoding.UTF8.GetString(Daemon.Secret).Trim(), everything, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["nso-ipc-rfs"].Status);
    }
}
