using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace NsoDev.Client.Tests;

/// <summary>A client project's host, configured only from the given variables (never from this process's environment).</summary>
internal static class ClientHost
{
    /// <summary>The section the client integration binds its settings from.</summary>
    public const string Section = "NsoDev:Ipc";

    public static HostApplicationBuilder Builder(IEnumerable<KeyValuePair<string, string?>> variables)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Configuration.AddInMemoryCollection(variables);
        return builder;
    }

    /// <summary>A built host of <paramref name="variables"/> with what <paramref name="register"/> adds to it (the client integration's calls).</summary>
    public static IHost Build(IEnumerable<KeyValuePair<string, string?>> variables, Action<HostApplicationBuilder> register)
    {
        var builder = Builder(variables);
        register(builder);
        return builder.Build();
    }

    /// <summary>
    /// Runs one registered health check, as the host's health service would: the plain form's
    /// <c>nso-ipc</c>, or with <paramref name="connectionName"/> the keyed client's <c>nso-ipc-NAME</c>.
    /// </summary>
    public static async Task<HealthReportEntry> CheckAsync(IEnumerable<KeyValuePair<string, string?>> variables, CancellationToken cancellationToken, string? connectionName = null)
    {
        using var host = Build(variables, builder =>
        {
            if (connectionName is null)
            {
                builder.AddNsoIpcClient();
            }
            else
            {
                builder.AddKeyedNsoIpcClient(connectionName);
            }
        });
        var checkName = connectionName is null ? "nso-ipc" : $"nso-ipc-{connectionName}";
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == checkName, cancellationToken);
        return Assert.Single(report.Entries, e => e.Key == checkName).Value;
    }

    /// <summary>
    /// A client of the plain form, bound from the variables as <c>AddNsoIpcClient()</c> binds them, with
    /// <paramref name="retries"/> retries for refused or silent daemons; without a host, so without metrics.
    /// </summary>
    public static NsoIpcClient Client(IEnumerable<KeyValuePair<string, string?>> variables, int retries = 1) =>
        Client(variables, null, s => s.ConnectRetries = retries);

    /// <summary>A client bound as <c>AddNsoIpcClient(connectionName, configureSettings)</c> binds it.</summary>
    public static NsoIpcClient Client(IEnumerable<KeyValuePair<string, string?>> variables, string? connectionName, Action<NsoIpcClientSettings>? configureSettings = null)
    {
        var (settings, connection) = Read(variables, connectionName, configureSettings);
        return new NsoIpcClient(connection, NullLogger.Instance, metrics: null, tracing: !settings.DisableTracing, TimeProvider.System);
    }

    /// <summary>What registration reads and checks: the settings, and what the client and health check use.</summary>
    public static (NsoIpcClientSettings Settings, NsoIpcConnection Connection) Read(IEnumerable<KeyValuePair<string, string?>> variables, string? connectionName = null, Action<NsoIpcClientSettings>? configureSettings = null) =>
        NsoIpcClientSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(variables).Build(), Section, connectionName, configureSettings);

    public static IEnumerable<KeyValuePair<string, string?>> With(this IEnumerable<KeyValuePair<string, string?>> variables, string name, string? value) =>
        variables.Where(v => v.Key != name).Append(new(name, value));

    public static KeyValuePair<string, string?>[] Variables(params (string Key, string? Value)[] variables) =>
        [.. variables.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))];
}
