using NsoDev.Hosting.Launch;
using NsoDev.Ipc;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace NsoDev.Hosting.Ready;

/// <summary>The outcome of waiting for a daemon: started, or why not.</summary>
internal sealed record ReadinessResult(bool Started, string? FailureReason);

/// <summary>
/// Waits until <c>ncs --wait-started</c> succeeds, as nso-docker does, retrying while nothing answers (exit 2)
/// inside a total timeout, and giving up at once when the daemon exits.
/// </summary>
internal sealed class ReadinessWaiter(IProcessRunner runner, TimeProvider timeProvider)
{
    /// <summary>TryTime of each attempt; short, so a daemon that dies is noticed quickly.</summary>
    public static readonly TimeSpan AttemptTryTime = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    public async Task<ReadinessResult> WaitAsync(NcsCommandLine ncs, IReadOnlyDictionary<string, string?> environment, Task<int> daemonExited, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ncs);
        ArgumentNullException.ThrowIfNull(daemonExited);
        using var exitedOrCancelled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = daemonExited.ContinueWith(_ => exitedOrCancelled.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var pipeline = new ResiliencePipelineBuilder<ProcessResult> { TimeProvider = timeProvider }
            .AddTimeout(timeout)
            .AddRetry(new RetryStrategyOptions<ProcessResult>
            {
                ShouldHandle = new PredicateBuilder<ProcessResult>().HandleResult(r => r.ExitCode == NcsExitCodes.NoConnection),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                Delay = RetryDelay,
            })
            .Build();

        try
        {
            var result = await pipeline.ExecuteAsync(
                async ct => await runner.RunAsync(ncs.WaitStarted(environment, AttemptTryTime), ct),
                exitedOrCancelled.Token);
            return result.ExitCode == NcsExitCodes.Ok
                ? new ReadinessResult(true, null)
                : new ReadinessResult(false, $"`ncs --wait-started` failed with {NcsExitCode.Describe(result.ExitCode)}: {result.Output}");
        }
        catch (TimeoutRejectedException)
        {
            return new ReadinessResult(false, $"The daemon did not report started within {timeout.TotalSeconds:0} s. See its log, or raise the startup timeout.");
        }
        catch (OperationCanceledException) when (daemonExited.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            return new ReadinessResult(false, $"The daemon exited during startup with {NcsExitCode.Describe(await daemonExited)}.");
        }
    }
}
