using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Launch;

/// <summary>
/// The running side of an instance's devices: <c>ncs-netsim start</c> beside the instance's own start,
/// <c>is-alive</c> as their readiness check, <c>stop</c> and <c>reset</c> with the instance (NSO-NOTES §9);
/// while a device runs, its log files go to its resource's log (<paramref name="logs"/>, when given).
/// </summary>
internal sealed class NetsimNetwork(NetsimPlan plan, NcsEngine engine, IProcessRunner runner, TimeSpan timeout, TimeProvider timeProvider, ILogger logger, NetsimDeviceLogs? logs = null)
{
    private readonly NetsimCommandLine _netsim = new(NetsimCommand.Of(engine), plan.Directory, NetsimMaterializer.Environment(engine));

    /// <summary>The longest a verb may take: the instance's startup timeout, and a second per device, since ncs-netsim visits them one by one.</summary>
    public TimeSpan Timeout { get; } = timeout + TimeSpan.FromSeconds(plan.DeviceCount);

    public NetsimPlan Plan { get; } = plan;

    /// <summary>
    /// Starts every device (or <paramref name="device"/>), then asks each whether it is alive; a device that is
    /// not is logged with the fix, and does not fail the instance.
    /// </summary>
    public async Task<NetsimLiveness> StartAsync(string? device, CancellationToken cancellationToken)
    {
        // Followed before the start, which the device's first lines tell of.
        logs?.Follow(device);

        // A device that already runs (a persistent instance's) prints FAIL here, and is alive: is-alive decides.
        var started = await RunAsync(_netsim.Start(device), cancellationToken);
        var liveness = await IsAliveAsync(cancellationToken);
        await StopFollowingAsync(liveness.Dead);
        if (device is not null && liveness.Dead.Contains(device))
        {
            logger.LogError("Netsim device {Device} is not alive after `ncs-netsim start {Device}` ({Output}). Its log is in {Directory}/PREFIX/{Device}/logs", device, device, started.Output, Plan.Directory, device);
        }
        else if (device is not null)
        {
            logger.LogInformation("Netsim device {Device} started", device);
        }
        else if (liveness.Dead.Count > 0)
        {
            logger.LogError(
                "Netsim devices {Devices} are not alive after `ncs-netsim start` ({Output}). Their logs are in {Directory}/PREFIX/NAME/logs; check that no other process holds their ports, then start the instance again",
                string.Join(", ", liveness.Dead),
                started.Output,
                Plan.Directory);
        }
        else
        {
            logger.LogInformation("Netsim devices of the instance are alive: {Devices}", string.Join(", ", liveness.Alive));
        }

        return liveness;
    }

    public async Task<NetsimLiveness> IsAliveAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(_netsim.IsAlive(), cancellationToken);
        var lines = NetsimOutput.DeviceResults(result.StandardOutput);
        var names = Plan.Devices.Select(d => d.Name).ToList();
        return new NetsimLiveness(
            [.. names.Where(n => lines.GetValueOrDefault(n))],
            [.. names.Where(n => !lines.GetValueOrDefault(n))]);
    }

    public async Task StopAsync(string? device, CancellationToken cancellationToken)
    {
        var result = await RunAsync(_netsim.Stop(device), cancellationToken);
        await StopFollowingAsync(device is null ? null : [device]);
        if (result.ExitCode != 0)
        {
            logger.LogWarning("`ncs-netsim stop` returned {ExitCode}: {Output}", result.ExitCode, result.Output);
        }
    }

    /// <summary>Stops the devices and removes their CDB, logs and state, as the instance's reset does its own.</summary>
    public async Task ResetAsync(string? device, CancellationToken cancellationToken)
    {
        var result = await RunAsync(_netsim.Reset(device), cancellationToken);
        await StopFollowingAsync(device is null ? null : [device]);
        if (result.ExitCode != 0)
        {
            logger.LogWarning("`ncs-netsim reset` returned {ExitCode}: {Output}", result.ExitCode, result.Output);
        }
    }

    /// <summary>Stops following the logs of <paramref name="devices"/> (all when null), as when they stop; a persistent instance's devices are left running so.</summary>
    public Task StopFollowingAsync(IEnumerable<string>? devices) => logs?.StopFollowingAsync(devices) ?? Task.CompletedTask;

    private async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        // On the runner's clock, like the instance's own timeouts.
        using var timer = new CancellationTokenSource(Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await runner.RunAsync(spec, linked.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new NetsimTimeoutException($"`{spec}` did not end within {Timeout.TotalSeconds:0} s. Look at the devices' logs under {Plan.Directory}, or raise WithStartupTimeout.");
        }
    }
}

/// <summary>A verb that does not end within <see cref="NetsimNetwork.Timeout"/>; the message names it and what to look at.</summary>
internal sealed class NetsimTimeoutException(string message) : TimeoutException(message);

/// <summary>Which devices answered <c>is-alive</c> with OK, and which did not.</summary>
internal sealed record NetsimLiveness(IReadOnlyList<string> Alive, IReadOnlyList<string> Dead);
