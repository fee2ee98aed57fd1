using NsoDev.Ipc;

namespace NsoDev.Samples.IpcClient;

/// <summary>Connects to NSO as a MAAPI client every <see cref="Interval"/> and logs the outcome.</summary>
internal sealed partial class IpcProbeWorker(NsoIpcClient client, ILogger<IpcProbeWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                using var socket = await client.ConnectAsync(NsoClientType.Maapi, stoppingToken);
                LogConnected(client.Endpoint.ToString());
            }
            catch (IpcPreambleException ex)
            {
                LogFailed(client.Endpoint.ToString(), ex.Failure, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "IPC preamble with NSO on {Endpoint} succeeded")]
    private partial void LogConnected(string endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "IPC preamble with NSO on {Endpoint} failed ({Failure}): {Reason}")]
    private partial void LogFailed(string endpoint, IpcFailure failure, string reason);
}
