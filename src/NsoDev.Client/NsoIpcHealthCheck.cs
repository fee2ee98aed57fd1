using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Ipc;

namespace NsoDev.Client;

/// <summary>
/// Healthy when a MAAPI preamble with the instance succeeds, with the configured release and secret.
/// One attempt, no retry, no span: a probe says how the instance is now, and runs too often to trace.
/// </summary>
internal sealed class NsoIpcHealthCheck(NsoIpcConnection connection, TimeProvider timeProvider) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            using var socket = await connection.ConnectOnceAsync(NsoClientType.Maapi, timeProvider, cancellationToken);
            return HealthCheckResult.Healthy($"IPC preamble on {connection.Endpoint} succeeded");
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"IPC preamble on {connection.Endpoint} failed: {ex.Message}");
        }
    }
}
