using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NsoDev.Ipc;
using Polly;
using Polly.Retry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Opens IPC connections to NSO as a given client type (MAAPI, CDB, data provider, ...), performing the
/// real preamble and the access check, with a Polly pipeline that retries while NSO is still starting.
/// Each connect is a trace span and counts in the <c>nsodev.ipc.connects</c> metric.
/// </summary>
public sealed class NsoIpcClient
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string TelemetryName = "NsoDev.Ipc";

    private static readonly ActivitySource Activities = new(TelemetryName);
    private static readonly Meter Meter = new(TelemetryName);
    private static readonly Counter<long> Connects = Meter.CreateCounter<long>("nsodev.ipc.connects", description: "IPC connects to NSO, by outcome");
    private static readonly Histogram<double> ConnectDuration = Meter.CreateHistogram<double>("nsodev.ipc.connect.duration", "s", "Time to complete the IPC preamble");

    private readonly NsoIpcOptions _options;
    private readonly ILogger<NsoIpcClient> _logger;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Creates a client.</summary>
    /// <param name="options">Where NSO is.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock, for retries and timeouts.</param>
    public NsoIpcClient(NsoIpcOptions options, ILogger<NsoIpcClient> logger, TimeProvider timeProvider)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.ConnectRetries > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions
            {
                // A refused or silent daemon may still be starting; a rejection or a mismatch will not heal.
                ShouldHandle = new PredicateBuilder().Handle<IpcPreambleException>(e => e.Failure is IpcFailure.Refused or IpcFailure.Timeout),
                MaxRetryAttempts = options.ConnectRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                UseJitter = true,
            });
        }

        _pipeline = pipeline.Build();
    }

    /// <summary>The endpoint this client connects to.</summary>
    public NsoIpcEndpoint Endpoint => _options.Endpoint;

    /// <summary>Connects as <paramref name="clientType"/> and completes the preamble.</summary>
    /// <param name="clientType">The client id to send.</param>
    /// <param name="cancellationToken">Cancels the whole attempt, retries included.</param>
    /// <returns>The connected socket, ready for framed requests.</returns>
    /// <exception cref="IpcPreambleException">Refused, access rejected, protocol mismatch or timeout.</exception>
    public async Task<Socket> ConnectAsync(NsoClientType clientType, CancellationToken cancellationToken = default)
    {
        var secret = _options.ReadSecret();
        var version = _options.NsoVersion;
        return await _pipeline.ExecuteAsync(
            async ct =>
            {
                using var activity = Activities.StartActivity("nso.ipc.connect", ActivityKind.Client);
                activity?.SetTag("nso.ipc.endpoint", _options.Endpoint.ToString());
                activity?.SetTag("nso.ipc.client_type", clientType.ToString());
                activity?.SetTag("nso.ipc.access_check", secret is not null);
                var started = Stopwatch.GetTimestamp();
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(_options.ConnectTimeout);
                try
                {
                    var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(_options.Endpoint, clientType, new NsoRelease(version.Major, version.Minor)) { Secret = secret }, attempt.Token);
                    Record("ok", started);
                    return socket;
                }
                catch (IpcPreambleException ex) when (!ct.IsCancellationRequested)
                {
                    Record(ex.Failure.ToString(), started);
                    activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    _logger.LogWarning("NSO IPC connect to {Endpoint} as {ClientType} failed: {Reason}", _options.Endpoint, clientType, ex.Message);
                    throw;
                }
            },
            cancellationToken);
    }

    private static void Record(string outcome, long started)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        Connects.Add(1, tag);
        ConnectDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tag);
    }
}
