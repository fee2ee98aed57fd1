using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Ready;

/// <summary>
/// Healthy when the daemon completes the real IPC preamble as a MAAPI client, answering the access
/// check's challenge when it is on. It only observes.
/// </summary>
internal sealed class NsoIpcHealthCheck(NsoResource resource) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (resource.PlanOrNull() is not { } plan)
        {
            return HealthCheckResult.Unhealthy("Not planned yet.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var secret = plan.AccessFile is null ? null : await File.ReadAllBytesAsync(plan.AccessFile, timeout.Token);
            var release = resource.Published().Engine?.Version ?? SimulatorReleases.Default;
            using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(plan.Ipc, NsoClientType.Maapi, release) { Secret = secret }, timeout.Token);
            return HealthCheckResult.Healthy($"IPC preamble on {plan.Ipc} succeeded");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"IPC preamble on {plan.Ipc} failed: {ex.Message}");
        }
    }
}
