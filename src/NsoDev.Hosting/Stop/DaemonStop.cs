using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Stop;

/// <summary>The stop step: <c>ncs --stop</c>, then EOF on stdin if that fails, and a kill only after the stop timeout.</summary>
internal sealed class DaemonStop(IProcessRunner runner, TimeProvider timeProvider, ILogger logger)
{
    public async Task StopAsync(NsoInstancePlan plan, NcsCommandLine ncs, IDaemonProcess daemon, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(ncs);
        ArgumentNullException.ThrowIfNull(daemon);
        var timeout = plan.StopTimeout;

        // On the runner's clock, like the readiness and restart timeouts (CancelAfter would use the system's).
        using var timer = new CancellationTokenSource(timeout, timeProvider);
        using var stopTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            var result = await runner.RunAsync(ncs.Stop(plan.ControlEnvironment), stopTimeout.Token);
            if (result.ExitCode != NcsExitCodes.Ok)
            {
                logger.LogWarning("`ncs --stop` for {Name} returned {ExitCode}: {Output}; closing its stdin instead", plan.Name, result.ExitCode, result.Output);
                daemon.CloseStandardInput();
            }

            await daemon.Exited.WaitAsync(stopTimeout.Token);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("NSO instance {Name} did not stop within {Seconds} s; killing it", plan.Name, timeout.TotalSeconds);
            daemon.Kill();
        }
    }
}
