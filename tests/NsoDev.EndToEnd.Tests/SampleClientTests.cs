using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NsoDev.EndToEnd.Tests;

/// <summary>What the sample clients of the default AppHost print.</summary>
public sealed class SampleClientTests
{
    /// <summary>
    /// The service defaults put Polly's standard resilience handler on every HttpClient, the OTLP
    /// exporters' included, and Polly logs each successful attempt at Information: about seven
    /// "Execution attempt" lines per useful line in the dashboard. The sample keeps Polly at Warning,
    /// where its failed attempts still show.
    /// </summary>
    [Fact]
    public void The_ipc_client_sample_logs_its_own_lines_and_only_polly_warnings()
    {
        using var host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = Path.Combine(RepositoryRoot.Path, "samples", "IpcClient"),
            EnvironmentName = Environments.Development,
            Args = [],
        }).Build();
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(loggers.CreateLogger("Polly").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Polly").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("NsoDev.Samples.IpcClient.IpcProbeWorker").IsEnabled(LogLevel.Information));
    }
}
