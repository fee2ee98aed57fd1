using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace NsoDev.Hosting.Serve;

/// <summary>
/// Brings a crashed instance back with exponential backoff (1 s, 2 s, 4 s, ... up to 30 s before each
/// start attempt), and restarts at most <see cref="MaxRestarts"/> times per app host run, so a daemon
/// that can never start does not loop forever.
/// </summary>
internal sealed class CrashRestartPolicy(TimeProvider timeProvider)
{
    public const int MaxRestarts = 5;
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private int _restarts;

    /// <summary>Restarts so far in this app host run.</summary>
    public int Restarts => _restarts;

    /// <summary>Runs <paramref name="start"/> until it reports success or the cap is reached; false when given up.</summary>
    public async Task<bool> RestartAsync(string name, ILogger logger, Func<int, TimeSpan, Task> announce, Func<CancellationToken, Task<bool>> start)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(announce);
        ArgumentNullException.ThrowIfNull(start);
        var pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = new PredicateBuilder<bool>().HandleResult(started => !started && _restarts < MaxRestarts),
                MaxRetryAttempts = MaxRestarts,
                DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(Delay(_restarts + 1)),
                OnRetry = args => new ValueTask(announce(_restarts + 1, args.RetryDelay)),
            })
            .Build();

        if (_restarts >= MaxRestarts)
        {
            logger.LogError("NSO instance {Name} crashed more than {Max} times; it is not restarted again. Fix the cause, then use the Start command.", name, MaxRestarts);
            return false;
        }

        var first = Delay(_restarts + 1);
        await announce(_restarts + 1, first);
        await Task.Delay(first, timeProvider);
        return await pipeline.ExecuteAsync(async ct =>
        {
            Interlocked.Increment(ref _restarts);
            return await start(ct);
        });
    }

    /// <summary>1 s before the first restart, doubling up to 30 s.</summary>
    public static TimeSpan Delay(int restart) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks << Math.Clamp(restart - 1, 0, 30)));
}
