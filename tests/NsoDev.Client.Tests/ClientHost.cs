using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace NsoDev.Client.Tests;

/// <summary>A client project's host, configured only from the given variables (never from this process's environment).</summary>
internal static class ClientHost
{
    public static HostApplicationBuilder Builder(IEnumerable<KeyValuePair<string, string?>> variables)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Configuration.AddInMemoryCollection(variables);
        return builder;
    }

    /// <summary>Runs one registered health check, as the host's health service would.</summary>
    public static async Task<HealthReportEntry> CheckAsync(IEnumerable<KeyValuePair<string, string?>> variables, string checkName, CancellationToken cancellationToken, string? connectionName = null)
    {
        using var host = Builder(variables).AddNsoIpc(connectionName).Build();
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == checkName, cancellationToken);
        return Assert.Single(report.Entries, e => e.Key == checkName).Value;
    }

    /// <summary>
    /// A client bound from the variables, with <paramref name="retries"/> retries for refused or silent daemons.
    /// One, not zero, by default: NsoIpcClient cannot be built with ConnectRetries = 0 (Polly wants at least 1).
    /// </summary>
    public static NsoIpcClient Client(IEnumerable<KeyValuePair<string, string?>> variables, int retries = 1)
    {
        var options = NsoIpcOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(variables).Build());
        options.ConnectRetries = retries;
        return new NsoIpcClient(options, NullLogger<NsoIpcClient>.Instance, TimeProvider.System);
    }

    public static IEnumerable<KeyValuePair<string, string?>> With(this IEnumerable<KeyValuePair<string, string?>> variables, string name, string? value) =>
        variables.Where(v => v.Key != name).Append(new(name, value));
}
