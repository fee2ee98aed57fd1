using System.Diagnostics;
using System.Diagnostics.Metrics;
using NsoDev.Ipc;

namespace NsoDev.Client;

/// <summary>The client's instruments, from the host's <see cref="IMeterFactory"/>: each host has its own, so tests need not run alone.</summary>
internal sealed class NsoIpcClientMetrics
{
    private readonly Counter<long> _connects;
    private readonly Histogram<double> _duration;

    public NsoIpcClientMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(NsoIpcClient.TelemetryName);
        _connects = meter.CreateCounter<long>("nsodev.ipc.connects", "{connect}", "IPC connect attempts to NSO, by outcome");
        _duration = meter.CreateHistogram<double>("nsodev.ipc.connect.duration", "s", "Time to complete one IPC connect attempt, preamble included");
    }

    public void Record(string? instance, NsoClientType clientType, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "outcome", outcome }, { "nso.ipc.client_type", clientType.ToString() } };
        if (instance is not null)
        {
            tags.Add("nso.instance", instance);
        }

        _connects.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }
}
