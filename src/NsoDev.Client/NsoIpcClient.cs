using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NsoDev.Ipc;
using Polly;
using Polly.Retry;

namespace NsoDev.Client;

/// <summary>
/// Opens IPC connections to one NSO instance as a given client type (MAAPI, CDB, data provider, ...):
/// the real preamble, announcing the instance's release, and the access check when it is on. Refused
/// and silent connects are retried, since NSO may still be starting. Each attempt is an
/// <c>nso.ipc.connect</c> span and counts in <c>nsodev.ipc.connects</c>.
/// </summary>
public sealed partial class NsoIpcClient
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string TelemetryName = "NsoDev.Client";

    private static readonly ActivitySource Activities = new(TelemetryName);

    private readonly NsoIpcConnection _connection;
    private readonly ILogger _logger;
    private readonly NsoIpcClientMetrics? _metrics;
    private readonly bool _tracing;
    private readonly TimeProvider _timeProvider;
    private readonly ResiliencePipeline _pipeline;

    internal NsoIpcClient(NsoIpcConnection connection, ILogger logger, NsoIpcClientMetrics? metrics, bool tracing, TimeProvider timeProvider)
    {
        _connection = connection;
        _logger = logger;
        _metrics = metrics;
        _tracing = tracing;
        _timeProvider = timeProvider;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (connection.ConnectRetries > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions
            {
                // A refused or silent daemon may still be starting; a rejection or a mismatch will not heal.
                ShouldHandle = new PredicateBuilder().Handle<IpcPreambleException>(e => e.Failure is IpcFailure.Refused or IpcFailure.Timeout),
                MaxRetryAttempts = connection.ConnectRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                UseJitter = true,
            });
        }

        _pipeline = pipeline.Build();
    }

    /// <summary>The connection name (<c>ConnectionStrings:NAME</c>), or null for the plain <c>NCS_IPC_*</c> form.</summary>
    public string? Name => _connection.Name;

    /// <summary>Where the instance serves IPC.</summary>
    public NsoIpcEndpoint Endpoint => _connection.Endpoint;

    /// <summary>The release whose protocol version the client announces.</summary>
    public NsoRelease Release => _connection.Release;

    /// <summary>Whether the client answers the access check's challenge (it has an access file).</summary>
    public bool AccessCheck => _connection.AccessFile is not null;

    /// <summary>Connects as <paramref name="clientType"/> and completes the preamble.</summary>
    /// <param name="clientType">The client id to send.</param>
    /// <param name="cancellationToken">Cancels the whole attempt, retries included.</param>
    /// <returns>The connected socket, ready for framed requests.</returns>
    /// <exception cref="IpcPreambleException">Refused, access rejected, protocol mismatch or timeout.</exception>
    /// <exception cref="InvalidOperationException">The access file can no longer be read.</exception>
    public async Task<Socket> ConnectAsync(NsoClientType clientType, CancellationToken cancellationToken = default) =>
        await _pipeline.ExecuteAsync(async ct => await AttemptAsync(clientType, ct), cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => $"NSO IPC client of {_connection}";

    private async Task<Socket> AttemptAsync(NsoClientType clientType, CancellationToken cancellationToken)
    {
        using var activity = _tracing ? Activities.StartActivity("nso.ipc.connect", ActivityKind.Client) : null;
        if (activity is not null)
        {
            activity.SetTag("nso.instance", Name);
            activity.SetTag("nso.ipc.endpoint", Endpoint.ToString());
            activity.SetTag("nso.ipc.client_type", clientType.ToString());
            activity.SetTag("nso.ipc.access_check", AccessCheck);
            activity.SetTag("nso.release", Release.ToString());
        }

        var started = _timeProvider.GetTimestamp();
        try
        {
            var socket = await _connection.ConnectOnceAsync(clientType, _timeProvider, cancellationToken);
            _metrics?.Record(Name, clientType, "ok", _timeProvider.GetElapsedTime(started));
            return socket;
        }
        catch (Exception ex) when (ex is IpcPreambleException or AccessFileUnreadableException)
        {
            var outcome = ex is IpcPreambleException preamble ? preamble.Failure.ToString() : "AccessFileUnreadable";
            _metrics?.Record(Name, clientType, outcome, _timeProvider.GetElapsedTime(started));
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            LogFailed(_connection.ToString(), clientType, outcome, ex.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "NSO IPC connect to {Instance} as {ClientType} failed ({Outcome}): {Reason}")]
    private partial void LogFailed(string instance, NsoClientType clientType, string outcome, string reason);
}
