using System.Collections.Concurrent;
using System.Diagnostics;
using NsoDev.Ipc;

namespace NsoDev.Client.Tests;

/// <summary>
/// Records the "nso.ipc.connect" activities of source "NsoDev.Client" for one endpoint. The source is
/// process-wide, so the endpoint (unique per test) keeps other tests' connects out.
/// </summary>
internal sealed class ConnectActivities : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public ConnectActivities(NsoIpcEndpoint endpoint)
    {
        var tag = endpoint.ToString();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NsoIpcClient.TelemetryName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("nso.ipc.endpoint") as string == tag)
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    public void Dispose() => _listener.Dispose();
}
