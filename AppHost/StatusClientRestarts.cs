using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// A status client (<c>nso-N-status</c>) exits at the first <c>ncs --status</c> that fails, which is
/// what happens when its instance is stopped; Aspire's WaitFor holds a client only at its first start, so
/// after the dashboard's Stop and Start the client stayed Finished. This starts each finished client again,
/// through Aspire's own Start command, once its instance is running and healthy again after a start that
/// came later than the client's own: after Stop and Start, a Restart, a Reset or a crash restart. A client
/// that fails while its instance runs on (wrong variables, say) is not started again, so it keeps showing
/// the failure.
/// </summary>
internal sealed class StatusClientRestarts(
    IReadOnlyList<(IResource Client, NsoResource Nso)> clients,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService logs) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var latest = new Dictionary<IResource, CustomResourceSnapshot>();
        // Per client, the instance start it was last started again for: one Start per instance start.
        var startedFor = new Dictionary<IResource, DateTime>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                latest[update.Resource] = update.Snapshot;
                foreach (var (client, nso) in clients.Where(c => c.Client == update.Resource || c.Nso == update.Resource))
                {
                    if (latest.GetValueOrDefault(client) is not { } clientState || latest.GetValueOrDefault(nso) is not { } nsoState)
                    {
                        continue;
                    }

                    if (!KnownResourceStates.TerminalStates.Contains(clientState.State?.Text)
                        || nsoState.State?.Text != KnownResourceStates.Running
                        || nsoState.HealthStatus != HealthStatus.Healthy
                        || nsoState.StartTimeStamp is not { } nsoStart
                        || clientState.StartTimeStamp >= nsoStart
                        || startedFor.GetValueOrDefault(client) == nsoStart)
                    {
                        continue;
                    }

                    startedFor[client] = nsoStart;
                    // Not awaited here: the start waits for the instance (WaitFor), whose updates this loop reads.
                    _ = StartAgainAsync(client, nso, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task StartAgainAsync(IResource client, NsoResource nso, CancellationToken cancellationToken)
    {
        var log = logs.GetLogger(client);
        log.LogInformation("NSO instance {Instance} runs again: starting {Client} again", nso.Name, client.Name);
        try
        {
            var result = await commands.ExecuteCommandAsync(client, KnownResourceCommands.StartCommand, cancellationToken);
            if (!result.Success)
            {
                log.LogWarning("Could not start {Client} again: {Message}", client.Name, result.Message);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
