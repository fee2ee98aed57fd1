using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NsoDev.Client;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers <see cref="NsoIpcClient"/> for one NSO instance, with its health check and telemetry, as
/// Aspire's client integrations do. Settings are read from the configuration section <c>NsoDev:Ipc</c>
/// and, for a named instance, <c>NsoDev:Ipc:NAME</c>. A bad connection string, port, socket path or
/// access file stops the host when the client is registered, with the key to fix.
/// </summary>
public static class NsoIpcClientExtensions
{
    private const string DefaultConfigSectionName = "NsoDev:Ipc";
    private const string HealthCheckName = "nso-ipc";

    /// <summary>
    /// Registers an <see cref="NsoIpcClient"/> singleton for the instance whose connection string is
    /// <c>ConnectionStrings:<paramref name="connectionName"/></c>, as the app host gives it to a project
    /// that references the instance; and the health check <c>nso-ipc-NAME</c>.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">The instance's name in the app host, which names its connection string.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    /// <exception cref="InvalidOperationException">The connection string is missing or unusable, or the access file cannot be read.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The shape of Aspire's client integrations (AddRedisClient(name, configure?)); a string and a delegate cannot be mistaken for each other.")]
    public static void AddNsoIpcClient(this IHostApplicationBuilder builder, string connectionName, Action<NsoIpcClientSettings>? configureSettings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        Add(builder, connectionName, serviceKey: null, configureSettings);
    }

    /// <summary>
    /// Registers an <see cref="NsoIpcClient"/> singleton for the instance that the plain <c>NCS_IPC_PATH</c>,
    /// <c>NCS_IPC_ADDR</c>, <c>NCS_IPC_PORT</c> and <c>NCS_IPC_ACCESS_FILE</c> (<c>CONFD_IPC_ACCESS_FILE</c>
    /// first) name, read from configuration as NSO's own tools read them from the environment, with NSO's
    /// defaults (127.0.0.1, 4569); or <c>NsoDev:Ipc:ConnectionString</c> when it is set. The health check is
    /// <c>nso-ipc</c>.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    /// <exception cref="InvalidOperationException">A variable is unusable, or the access file cannot be read.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The shape of Aspire's client integrations (AddRedisClient(name, configure?)); a string and a delegate cannot be mistaken for each other.")]
    public static void AddNsoIpcClient(this IHostApplicationBuilder builder, Action<NsoIpcClientSettings>? configureSettings = null) =>
        Add(builder, connectionName: null, serviceKey: null, configureSettings);

    /// <summary>
    /// Registers an <see cref="NsoIpcClient"/> singleton keyed by <paramref name="name"/>, for the instance
    /// whose connection string is <c>ConnectionStrings:<paramref name="name"/></c>, so that one process can
    /// hold clients of several instances (an LSA CFS and its RFS nodes); and the health check <c>nso-ipc-NAME</c>.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="name">The instance's name in the app host: the service key and the connection string's name.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    /// <exception cref="InvalidOperationException">The connection string is missing or unusable, or the access file cannot be read.</exception>
    public static void AddKeyedNsoIpcClient(this IHostApplicationBuilder builder, string name, Action<NsoIpcClientSettings>? configureSettings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Add(builder, name, serviceKey: name, configureSettings);
    }

    private static void Add(IHostApplicationBuilder builder, string? connectionName, string? serviceKey, Action<NsoIpcClientSettings>? configureSettings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (settings, connection) = NsoIpcClientSettingsReader.Read(builder.Configuration, DefaultConfigSectionName, connectionName, configureSettings);
        if (!settings.DisableMetrics)
        {
            builder.Services.AddMetrics();
            builder.Services.TryAddSingleton<NsoIpcClientMetrics>();
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(NsoIpcClient.TelemetryName));
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(NsoIpcClient.TelemetryName));
        }

        NsoIpcClient Create(IServiceProvider services) => new(
            connection,
            services.GetService<ILoggerFactory>()?.CreateLogger<NsoIpcClient>() ?? NullLogger<NsoIpcClient>.Instance,
            settings.DisableMetrics ? null : services.GetRequiredService<NsoIpcClientMetrics>(),
            !settings.DisableTracing,
            services.GetService<TimeProvider>() ?? TimeProvider.System);
        if (serviceKey is null)
        {
            builder.Services.AddSingleton(Create);
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceKey, (services, _) => Create(services));
        }

        var checkName = connectionName is null ? HealthCheckName : $"{HealthCheckName}-{connectionName}";

        // Once per instance: AddNsoIpcClient("cfs") and AddKeyedNsoIpcClient("cfs") reach the same daemon.
        if (!settings.DisableHealthChecks && builder.Properties.TryAdd($"NsoDev.Client.HealthChecks.{checkName}", true))
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                checkName,
                services => new NsoIpcHealthCheck(connection, services.GetService<TimeProvider>() ?? TimeProvider.System),
                failureStatus: null,
                tags: null));
        }
    }
}
