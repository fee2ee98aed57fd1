using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NsoDev.Ipc;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers NSO IPC for a client project: options from <c>NCS_IPC_*</c>, the client, and the "nso-ipc" health check.</summary>
public static class NsoIpcExtensions
{
    /// <summary>The name of the health check.</summary>
    public const string HealthCheckName = "nso-ipc";

    /// <summary>
    /// Binds <see cref="NsoIpcOptions"/> from <c>NCS_IPC_PATH</c>, <c>NCS_IPC_ADDR</c>, <c>NCS_IPC_PORT</c>
    /// and <c>NCS_IPC_ACCESS_FILE</c> (or, with <paramref name="connectionName"/>, from the section
    /// <c>Nso:NAME</c>), and registers <see cref="NsoIpcClient"/> and the "nso-ipc" health check. A bad value
    /// or an unreadable access file stops the host at start-up with the reason.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">A named connection, for a process that talks to several instances.</param>
    /// <returns>The host builder.</returns>
    public static TBuilder AddNsoIpc<TBuilder>(this TBuilder builder, string? connectionName = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        Microsoft.Extensions.Configuration.IConfiguration configuration = connectionName is null ? builder.Configuration : builder.Configuration.GetSection($"Nso:{connectionName}");
        var options = NsoIpcOptions.FromConfiguration(configuration);
        options.ReadSecret();

        // A named connection is a keyed service, so several instances can be reached from one process.
        NsoIpcClient CreateClient(IServiceProvider sp) => new(options, sp.GetRequiredService<ILogger<NsoIpcClient>>(), sp.GetService<TimeProvider>() ?? TimeProvider.System);
        if (connectionName is null)
        {
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton(CreateClient);
        }
        else
        {
            builder.Services.AddKeyedSingleton(connectionName, options);
            builder.Services.AddKeyedSingleton(connectionName, (sp, _) => CreateClient(sp));
        }

        var checkName = connectionName is null ? HealthCheckName : $"{HealthCheckName}-{connectionName}";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(checkName, _ => new NsoIpcHealthCheck(options), HealthStatus.Unhealthy, tags: null));
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(NsoIpcClient.TelemetryName))
            .WithTracing(tracing => tracing.AddSource(NsoIpcClient.TelemetryName));
        return builder;
    }
}

/// <summary>Healthy when a MAAPI preamble to the instance succeeds.</summary>
internal sealed class NsoIpcHealthCheck(NsoIpcOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            var version = options.NsoVersion;
            using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(options.Endpoint, NsoClientType.Maapi, new NsoRelease(version.Major, version.Minor)) { Secret = options.ReadSecret() }, timeout.Token);
            return HealthCheckResult.Healthy($"IPC preamble on {options.Endpoint} succeeded");
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"IPC preamble on {options.Endpoint} failed: {ex.Message}");
        }
    }
}
