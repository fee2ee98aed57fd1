using System.Diagnostics;
using NsoDev.Ipc;
using NsoDev.Client.Tests.Sim;

namespace NsoDev.Client.Tests.Telemetry;

/// <summary>The meter is process-wide and its measurements carry no endpoint, so these tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "NsoDev.Ipc telemetry, alone";
}

/// <summary>Each connect attempt is a trace span and a measurement (source and meter "NsoDev.Ipc").</summary>
[Collection(RunsAlone.Name)]
public sealed class NsoIpcTelemetryTests(TcpSimFixture fixture) : IClassFixture<TcpSimFixture>
{
    private SimDaemon Daemon => fixture.Daemon;

    [Fact(Timeout = 30_000)]
    public async Task A_connect_is_a_client_activity_of_the_NsoDev_Ipc_source_tagged_with_endpoint_client_type_and_access_check()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var activities = new ConnectActivities(Daemon.Endpoint);

        using (await ClientHost.Client(Daemon.ClientVariables).ConnectAsync(NsoClientType.Cdb, cts.Token))
        {
        }

        var activity = Assert.Single(activities.Stopped);
        Assert.Equal("NsoDev.Ipc", activity.Source.Name);
        Assert.Equal("nso.ipc.connect", activity.OperationName);
        Assert.Equal(ActivityKind.Client, activity.Kind);
        Assert.Equal("Cdb", activity.GetTagItem("nso.ipc.client_type"));
        Assert.Equal(false, activity.GetTagItem("nso.ipc.access_check"));
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_rejected_connect_is_one_activity_with_error_status_because_a_rejection_is_not_retried()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var activities = new ConnectActivities(Daemon.Endpoint);
        var secret = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(secret, "unexpected\n", cts.Token);
            var client = ClientHost.Client(Daemon.ClientVariables.With("NCS_IPC_ACCESS_FILE", secret), retries: 3);

            await Assert.ThrowsAsync<IpcPreambleException>(() => client.ConnectAsync(NsoClientType.Maapi, cts.Token));
        }
        finally
        {
            File.Delete(secret);
        }

        var activity = Assert.Single(activities.Stopped);
        Assert.Equal(true, activity.GetTagItem("nso.ipc.access_check"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.StartsWith("Access Rejected", activity.StatusDescription, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_successful_connect_counts_once_in_nsodev_ipc_connects_with_outcome_ok_and_records_its_duration_in_seconds()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var measurements = new ConnectMeasurements();

        using (await ClientHost.Client(Daemon.ClientVariables).ConnectAsync(NsoClientType.Maapi, cts.Token))
        {
        }

        var measured = measurements.Measured;
        var connect = Assert.Single(measured, m => m.Instrument == "nsodev.ipc.connects");
        Assert.Equal((1d, "ok"), (connect.Value, connect.Outcome));
        var duration = Assert.Single(measured, m => m.Instrument == "nsodev.ipc.connect.duration");
        Assert.Equal(("ok", "s"), (duration.Outcome, duration.Unit));
    }

    [Fact(Timeout = 30_000)]
    public async Task Every_refused_attempt_counts_in_nsodev_ipc_connects_with_outcome_Refused()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var measurements = new ConnectMeasurements();
        var port = FreeTcpPort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var client = ClientHost.Client(new Dictionary<string, string?> { ["NCS_IPC_PORT"] = port }, retries: 1);

        await Assert.ThrowsAsync<IpcPreambleException>(() => client.ConnectAsync(NsoClientType.Maapi, cts.Token));

        var connects = measurements.Measured.Where(m => m.Instrument == "nsodev.ipc.connects").Select(m => (m.Value, m.Outcome));
        Assert.Equal([(1d, "Refused"), (1d, "Refused")], connects);
    }
}
