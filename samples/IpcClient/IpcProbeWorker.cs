using System.Net.Sockets;
using NsoDev.Client;
using NsoDev.Ipc;

namespace NsoDev.Samples.IpcClient;

/// <summary>Connects to each NSO instance as a MAAPI client every <see cref="Interval"/> and logs the outcome.</summary>
internal sealed partial class IpcProbeWorker(IReadOnlyList<NsoIpcClient> clients, ILogger<IpcProbeWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            // Side by side, so an instance that is down (retried for seconds) does not delay the others.
            await Task.WhenAll(clients.Select(client => ProbeAsync(client, stoppingToken)));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ProbeAsync(NsoIpcClient client, CancellationToken stoppingToken)
    {
        var instance = client.Name ?? "default";
        try
        {
            using var socket = await client.ConnectAsync(NsoClientType.Maapi, stoppingToken);
            LogConnected(instance, client.Endpoint.ToString());
        }
        catch (Exception ex) when (ex is IpcPreambleException or InvalidOperationException or SocketException)
        {
            LogFailed(instance, client.Endpoint.ToString(), ex is IpcPreambleException preamble ? preamble.Failure.ToString() : ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "IPC preamble with NSO instance {Instance} on {Endpoint} succeeded")]
    private partial void LogConnected(string instance, string endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "IPC preamble with NSO instance {Instance} on {Endpoint} failed ({Failure}): {Reason}")]
    private partial void LogFailed(string instance, string endpoint, string failure, string reason);
}
