using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Hosting.Lifecycle;
using NsoDev.Hosting.Materialize;

namespace NsoDev.Hosting.Health;

/// <summary>Healthy when the daemon completes the real IPC preamble as a MAAPI client; it only observes.</summary>
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
            using var client = new TcpClient();
            await client.ConnectAsync(NsoInstancePlan.IpcAddress, plan.IpcPort, timeout.Token);
            var stream = client.GetStream();
            var version = resource.Engine?.Version ?? NsoVersion.Default;
            await stream.WriteAsync(IpcHello.Request(IpcHello.MaapiClientId, IpcHello.ProtocolVersion(version.Major, version.Minor), version.Major, version.Minor), timeout.Token);
            var reply = new byte[IpcHello.Length];
            await stream.ReadExactlyAsync(reply, timeout.Token);
            return IpcHello.CheckReply(reply) is { } problem
                ? HealthCheckResult.Unhealthy($"IPC preamble to {NsoInstancePlan.IpcAddress}:{plan.IpcPort} failed: {problem}")
                : HealthCheckResult.Healthy($"IPC preamble to {NsoInstancePlan.IpcAddress}:{plan.IpcPort} succeeded");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"No IPC preamble from {NsoInstancePlan.IpcAddress}:{plan.IpcPort}: {ex.Message}");
        }
    }
}
