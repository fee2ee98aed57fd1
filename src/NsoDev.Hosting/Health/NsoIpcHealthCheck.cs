using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Hosting.Materialize;

namespace NsoDev.Hosting.Health;

/// <summary>
/// Healthy when the daemon completes the real IPC preamble as a MAAPI client, answering the access
/// check's challenge when it is on. It only observes.
/// </summary>
internal sealed class NsoIpcHealthCheck(NsoResource resource) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (resource.Plan is not { } plan)
        {
            return HealthCheckResult.Unhealthy("Not planned yet.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var secret = plan.AccessFile is null ? null : await File.ReadAllBytesAsync(plan.AccessFile, timeout.Token);
            var version = resource.Engine?.Version ?? NsoVersion.Default;
            var problem = await IpcHello.HandshakeAsync(plan.Ipc, secret, version.Major, version.Minor, timeout.Token);
            return problem is null
                ? HealthCheckResult.Healthy($"IPC preamble on {plan.Ipc} succeeded")
                : HealthCheckResult.Unhealthy($"IPC preamble on {plan.Ipc} failed: {problem}");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"No IPC preamble on {plan.Ipc}: {ex.Message}");
        }
    }
}
