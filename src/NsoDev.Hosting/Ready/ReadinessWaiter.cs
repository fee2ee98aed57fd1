using NsoDev.Hosting.Launch;
using NsoDev.Ipc;
using Polly;
using Polly.Timeout;

namespace NsoDev.Hosting.Ready;

/// <summary>The outcome of waiting for a daemon: started, or why not.</summary>
internal sealed record ReadinessResult(bool Started, string? FailureReason);

/// <summary>
/// Waits for a daemon with one <c>ncs --wait-started</c> that gets the whole startup budget, both as its
/// TryTime and as its <c>--timeout</c> (NSO-NOTES §2): with real NSO each control command starts a
/// runtime of its own, so a loop of short probes costs a process each. A timeout on the runner's clock
/// guards the wait too, and it ends the moment the daemon exits.
/// </summary>
internal sealed class ReadinessWaiter(IProcessRunner runner, TimeProvider timeProvider)
{
    public async Task<ReadinessResult> WaitAsync(NcsCommandLine ncs, IReadOnlyDictionary<string, string?> environment, Task<int> daemonExited, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ncs);
        ArgumentNullException.ThrowIfNull(daemonExited);
        var pipeline = new ResiliencePipelineBuilder<ProcessResult> { TimeProvider = timeProvider }.AddTimeout(timeout).Build();

        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waiting = pipeline.ExecuteAsync(async ct => await runner.RunAsync(ncs.WaitStarted(environment, timeout), ct), abandon.Token).AsTask();
        if (await Task.WhenAny(waiting, daemonExited) != waiting)
        {
            await abandon.CancelAsync();
            await Task.WhenAny(waiting);
            cancellationToken.ThrowIfCancellationRequested();
            return new ReadinessResult(false, $"The daemon exited during startup with {NcsExitCode.Describe(await daemonExited)}.");
        }

        try
        {
            var result = await waiting;
            return result.ExitCode switch
            {
                NcsExitCodes.Ok => new ReadinessResult(true, null),
                NcsExitCodes.NoConnection or NcsExitCodes.Timeout => TimedOut(timeout, result),
                _ => new ReadinessResult(false, $"`ncs --wait-started` failed with {NcsExitCode.Describe(result.ExitCode)}: {result.Output}"),
            };
        }
        catch (TimeoutRejectedException)
        {
            return TimedOut(timeout, null);
        }
    }

    private static ReadinessResult TimedOut(TimeSpan timeout, ProcessResult? result) =>
        new(false, $"The daemon did not report started within {timeout.TotalSeconds:0} s{(result is null ? "" : $" (`ncs --wait-started` ended with {NcsExitCode.Describe(result.ExitCode)})")}. See its log, or raise the startup timeout.");
}
