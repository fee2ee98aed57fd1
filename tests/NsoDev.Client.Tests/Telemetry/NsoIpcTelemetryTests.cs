using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using NsoDev.Client.Tests.Sim;
using NsoDev.Ipc;

namespace NsoDev.Client.Tests.Telemetry;

/// <summary>
/// Each connect attempt is a span of the static source "NsoDev.Client" (told apart by its endpoint, which is
/// unique per test) and a measurement of the meter "NsoDev.Client" that each host makes from its own
/// IMeterFactory, so these tests run alongside the others.
/// </summary>
public sealed class NsoIpcTelemetryTests(TcpSimFixture fixture) : SimDaemonTests(fixture), IClassFixture<TcpSimFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task A_connect_is_a_client_activity_of_the_NsoDev_Client_source_tagged_with_instance_endpoint_client_type_access_check_and_release()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var activities = new ConnectActivities(Daemon.Endpoint);

        using (await ClientHost.Client(Daemon.ConnectionVariables("cfs"), "cfs").ConnectAsync(NsoClientType.Cdb, cancellationToken))
        {
        }

        var activity = Assert.Single(activities.Stopped);
        Assert.Equal("NsoDev.Client", activity.Source.Name);
        Assert.Equal("nso.ipc.connect", activity.OperationName);
        Assert.Equal(ActivityKind.Client, activity.Kind);
        Assert.Equal("cfs", activity.GetTagItem("nso.instance"));
        Assert.Equal("Cdb", activity.GetTagItem("nso.ipc.client_type"));
        Assert.Equal(false, activity.GetTagItem("nso.ipc.access_check"));
        Assert.Equal("6.5", activity.GetTagItem("nso.release"));
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_rejected_connect_is_one_activity_with_error_status_because_a_rejection_is_not_retried()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var activities = new ConnectActivities(Daemon.Endpoint);
        using var secret = new TempSecret("unexpected\n");
        var client = ClientHost.Client(Daemon.ClientVariables.With("NCS_IPC_ACCESS_FILE", secret.Path), retries: 3);

        await Assert.ThrowsAsync<IpcPreambleException>(() => client.ConnectAsync(NsoClientType.Maapi, cancellationToken));

        var activity = Assert.Single(activities.Stopped);
        Assert.Equal(true, activity.GetTagItem("nso.ipc.access_check"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.StartsWith("Access Rejected", activity.StatusDescription, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task DisableTracing_starts_no_activity()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var activities = new ConnectActivities(Daemon.Endpoint);
        var traced = ClientHost.Client(Daemon.ConnectionVariables("cfs"), "cfs");
        var untraced = ClientHost.Client(Daemon.ConnectionVariables("cfs"), "cfs", s => s.DisableTracing = true);

        using (await untraced.ConnectAsync(NsoClientType.Maapi, cancellationToken))
        {
        }

        Assert.Empty(activities.Stopped);
        using (await traced.ConnectAsync(NsoClientType.Maapi, cancellationToken))
        {
        }

        Assert.Single(activities.Stopped);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_successful_connect_counts_once_with_outcome_ok_and_the_instance_and_records_its_duration_in_seconds()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var host = ClientHost.Build(Daemon.ConnectionVariables("cfs"), b => b.AddKeyedNsoIpcClient("cfs"));
        using var connects = Collector<long>(host, "nsodev.ipc.connects");
        using var durations = Collector<double>(host, "nsodev.ipc.connect.duration");

        using (await host.Services.GetRequiredKeyedService<NsoIpcClient>("cfs").ConnectAsync(NsoClientType.Maapi, cancellationToken))
        {
        }

        var connect = Assert.Single(connects.GetMeasurementSnapshot());
        Assert.Equal(1, connect.Value);
        Assert.Equal(("ok", "cfs", "Maapi"), (connect.Tags["outcome"], connect.Tags["nso.instance"], connect.Tags["nso.ipc.client_type"]));
        var duration = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.True(duration.Value >= 0);
        Assert.Equal(("ok", "s"), (duration.Tags["outcome"], durations.Instrument?.Unit));
    }

    [Fact(Timeout = 30_000)]
    public async Task Every_refused_attempt_counts_with_outcome_Refused_and_the_plain_form_carries_no_instance_tag()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var port = FreeTcpPort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var host = ClientHost.Build(ClientHost.Variables(("NCS_IPC_PORT", port), ("NsoDev:Ipc:ConnectRetries", "1")), b => b.AddNsoIpcClient());
        using var connects = Collector<long>(host, "nsodev.ipc.connects");

        await Assert.ThrowsAsync<IpcPreambleException>(() => host.Services.GetRequiredService<NsoIpcClient>().ConnectAsync(NsoClientType.Maapi, cancellationToken));

        var measured = connects.GetMeasurementSnapshot();
        Assert.Equal([(1L, "Refused"), (1L, "Refused")], measured.Select(m => (m.Value, m.Tags["outcome"] as string)));
        Assert.All(measured, m => Assert.False(m.Tags.ContainsKey("nso.instance")));
    }

    [Fact(Timeout = 30_000)]
    public async Task Each_host_counts_only_its_own_connects()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var one = ClientHost.Build(Daemon.ConnectionVariables("cfs"), b => b.AddKeyedNsoIpcClient("cfs"));
        using var other = ClientHost.Build(Daemon.ConnectionVariables("cfs"), b => b.AddKeyedNsoIpcClient("cfs"));
        using var oneConnects = Collector<long>(one, "nsodev.ipc.connects");
        using var otherConnects = Collector<long>(other, "nsodev.ipc.connects");

        using (await one.Services.GetRequiredKeyedService<NsoIpcClient>("cfs").ConnectAsync(NsoClientType.Maapi, cancellationToken))
        {
        }

        Assert.Single(oneConnects.GetMeasurementSnapshot());
        Assert.Empty(otherConnects.GetMeasurementSnapshot());
    }

    [Fact(Timeout = 30_000)]
    public async Task DisableMetrics_leaves_that_instance_out_of_the_metrics_and_the_others_in()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var variables = Daemon.ConnectionVariables("cfs").With("ConnectionStrings:rfs", Daemon.ConnectionString).With("NsoDev:Ipc:cfs:DisableMetrics", "true");
        using var host = ClientHost.Build(variables, b =>
        {
            b.AddKeyedNsoIpcClient("cfs");
            b.AddKeyedNsoIpcClient("rfs");
        });
        using var connects = Collector<long>(host, "nsodev.ipc.connects");

        foreach (var name in new[] { "cfs", "rfs" })
        {
            using (await host.Services.GetRequiredKeyedService<NsoIpcClient>(name).ConnectAsync(NsoClientType.Maapi, cancellationToken))
            {
            }
        }

        Assert.Equal(["rfs"], connects.GetMeasurementSnapshot().Select(m => m.Tags["nso.instance"]));
    }

    private static MetricCollector<T> Collector<T>(IHost host, string instrument)
        where T : struct =>
        new(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), NsoIpcClient.TelemetryName, instrument);
}
