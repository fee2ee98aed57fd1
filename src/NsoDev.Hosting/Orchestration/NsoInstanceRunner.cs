using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Lsa;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Onboard;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Ready;
using NsoDev.Hosting.Serve;
using NsoDev.Hosting.Stop;

namespace NsoDev.Hosting.Orchestration;

/// <summary>
/// Runs one instance through its steps in order: materialize, launch, ready, serve, stop; and the
/// dashboard's commands. It holds no logic of the steps themselves; it reports each change to the
/// dashboard. One operation at a time: a gate serializes start, stop, reset and restart.
/// </summary>
internal sealed class NsoInstanceRunner(
    NsoResource resource,
    NsoInstancePlan plan,
    NcsEngine engine,
    IProcessRunner runner,
    ReadinessWaiter readiness,
    INorthboundConnector northbound,
    NsoDashboard dashboard,
    ILogger logger,
    TimeProvider timeProvider,
    Func<string, ILogger>? deviceLogger = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CrashRestartPolicy _restarts = new(timeProvider);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly NetsimNetwork? _devices = plan.Netsim is { } netsim
        ? new NetsimNetwork(netsim, engine, runner, plan.StartupTimeout, timeProvider, logger, deviceLogger is null ? null : new NetsimDeviceLogs(netsim, deviceLogger))
        : null;
    private readonly DeviceOnboarding _onboarding = new(northbound, logger);
    private readonly LsaUpperNode? _lsa = LsaUpperNode.Of(resource, northbound, dashboard, logger);
    private LeftRunningDaemon? _leftRunning = plan.LeftRunning;
    private OnboardingReport? _synced;
    private volatile bool _devicesStarted;

    /// <summary>Devices stopped from their dashboard command: shown Finished, not failed.</summary>
    private readonly HashSet<string> _devicesStopped = new(StringComparer.Ordinal);
    private IDaemonProcess? _daemon;
    private bool _stopRequested;
    private volatile bool _restartPending;
    private int _crashExitCode;
    private volatile string? _lastError;

    public bool IsRunning => _daemon is { Exited.IsCompleted: false };

    /// <summary>The pid of the daemon <see cref="ShutdownAsync"/> left running for the next app host; null when it stopped it.</summary>
    public int? LeftRunningPid { get; private set; }

    /// <summary>How to stop the instance by hand from a shell, for messages.</summary>
    public string StopByHand => $". {plan.RunDirectory.EnvScript} && {engine.Executable} --stop";

    private NcsCommandLine Ncs => engine.CommandLine;

    public Task StartAsync(CancellationToken cancellationToken) => UnderGateAsync(() => StartCoreAsync(cancellationToken), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => UnderGateAsync(() => StopCoreAsync(cancellationToken), cancellationToken);

    /// <summary>The app host stops: a session instance is stopped, a persistent one is left running for the next app host.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken) => UnderGateAsync(
        async () =>
        {
            await _shutdown.CancelAsync();
            if (plan.Lifetime == Lifetime.Persistent && _daemon is { Exited.IsCompleted: false } daemon)
            {
                _stopRequested = true;
                await daemon.ReleaseAsync();
                _daemon = null;
                LeftRunningPid = daemon.ProcessId;
                await (_devices?.StopFollowingAsync(null) ?? Task.CompletedTask);
                logger.LogInformation(
                    "Left NSO instance {Name} running (pid {Pid}): it has a persistent lifetime, so the next app host adopts it. To stop it now: `{StopByHand}`",
                    resource.Name,
                    daemon.ProcessId,
                    StopByHand);
                return;
            }

            // No Stopping state at shutdown: it would wake Aspire's health monitor, whose check against the
            // stopping daemon would log a failure per instance; the dashboard goes away with the app host.
            await StopCoreAsync(cancellationToken, showStopping: false);
        },
        cancellationToken);

    public Task RestartAsync(CancellationToken cancellationToken) => UnderGateAsync(
        async () =>
        {
            await StopCoreAsync(cancellationToken);
            await StartCoreAsync(cancellationToken);
        },
        cancellationToken);

    /// <summary>Stops the instance, wipes CDB, state and logs like <c>ncs-setup --reset</c>, and starts it again.</summary>
    public Task ResetAsync(CancellationToken cancellationToken) => UnderGateAsync(
        async () =>
        {
            await StopCoreAsync(cancellationToken);
            if (_devices is not null && Directory.Exists(_devices.Plan.Directory))
            {
                await _devices.ResetAsync(null, cancellationToken);
            }

            plan.RunDirectory.Reset();
            logger.LogInformation("Reset {Name}: removed CDB files, rollbacks, logs and state", resource.Name);
            await StartCoreAsync(cancellationToken);
        },
        cancellationToken);

    /// <summary>The dashboard's commands of one device: <c>ncs-netsim start|stop|reset NAME</c>, then <c>is-alive</c> for every device's state.</summary>
    public Task DeviceAsync(string device, NetsimDeviceOperation operation, CancellationToken cancellationToken) => UnderGateAsync(
        async () =>
        {
            if (_devices is null)
            {
                return;
            }

            NetsimLiveness liveness;
            if (operation == NetsimDeviceOperation.Stop)
            {
                _devicesStopped.Add(device);
                await _devices.StopAsync(device, cancellationToken);
                liveness = await _devices.IsAliveAsync(cancellationToken);
            }
            else
            {
                if (operation == NetsimDeviceOperation.Reset)
                {
                    await _devices.ResetAsync(device, cancellationToken);
                }

                _devicesStopped.Remove(device);
                liveness = await _devices.StartAsync(device, cancellationToken);
            }

            await dashboard.DevicesAsync(resource, engine, liveness, _devicesStopped);
            if (operation == NetsimDeviceOperation.Stop)
            {
                await ShowSyncAsync(_synced?.With(device, new DeviceSyncResult(device, false, "stopped")));
            }
            else if (IsRunning)
            {
                // A device that starts again, or from its init data, is synced again, so the instance's copy matches.
                await OnboardDevicesAsync(cancellationToken);
            }
        },
        cancellationToken);

    /// <summary>The instance's Sync devices command: <c>fetch-ssh-host-keys</c> and <c>sync-from</c> again, with each result shown.</summary>
    public Task<OnboardingReport?> SyncDevicesAsync(CancellationToken cancellationToken) => UnderGateWithResultAsync(
        async () => IsRunning ? await OnboardDevicesAsync(cancellationToken) : null,
        cancellationToken);

    /// <summary><c>ncs --reload</c>: the daemon re-reads ncs.conf and reopens its logs.</summary>
    public async Task<ProcessResult> ReloadAsync(CancellationToken cancellationToken) =>
        await runner.RunAsync(Ncs.Reload(plan.ControlEnvironment), cancellationToken);

    public void Dispose()
    {
        _gate.Dispose();
        _shutdown.Dispose();
    }

    private async Task UnderGateAsync(Func<Task> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await operation();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> StartCoreAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            return true;
        }

        _stopRequested = false;
        _lastError = null;
        await dashboard.StartingAsync(resource, engine);
        try
        {
            var daemon = await AdoptLeftRunningAsync(cancellationToken) ?? await LaunchAsync(cancellationToken);
            _daemon = daemon;
            plan.RunDirectory.RecordPid(daemon.ProcessId);

            // The devices start beside the daemon: NSO connects to them only when asked (sync-from).
            var devices = StartDevicesAsync(cancellationToken);
            ReadinessResult ready;
            try
            {
                ready = await readiness.WaitAsync(Ncs, plan.ControlEnvironment, daemon.Exited, plan.StartupTimeout, cancellationToken);
            }
            finally
            {
                // Also when a stop cancels the wait: the stop that follows must find every device started.
                await devices;
            }
            if (!ready.Started)
            {
                // The daemon's own last error says which port or file, where the exit code only says what kind.
                await FailAsync(_lastError is { } lastError ? $"{ready.FailureReason} Its last error: {lastError}" : ready.FailureReason!);
                return false;
            }

            // Before Running: a dependent that waits for the instance finds its devices synced.
            await OnboardDevicesAsync(cancellationToken);
            await (_lsa?.OnboardAsync(plan, cancellationToken) ?? Task.CompletedTask);

            logger.LogInformation("NSO instance {Name} started (pid {Pid})", resource.Name, daemon.ProcessId);
            await dashboard.RunningAsync(resource, engine, daemon.ProcessId);
            _ = WatchForExitAsync(daemon);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await FailAsync(ex.Message);
            return false;
        }
    }

    private async Task<IDaemonProcess> LaunchAsync(CancellationToken cancellationToken)
    {
        await InstanceMaterializer.MaterializeAsync(plan, engine, cancellationToken);

        // Before the daemon: its empty CDB loads the devices' init file at its first start.
        await new NetsimMaterializer(runner, logger).MaterializeAsync(plan, engine, cancellationToken);
        await (_lsa?.MaterializeAsync(plan, engine, cancellationToken) ?? Task.CompletedTask);
        logger.LogInformation("Starting {Engine} in {RunDirectory}: IPC {Ipc}, sname {Sname}", engine.DisplayName, plan.RunDirectory.Path, plan.Ipc, plan.Sname);

        var environment = InstanceMaterializer.DaemonEnvironment(plan, engine);
        if (plan.Lifetime == Lifetime.Persistent)
        {
            // No pipe to this app host, which it would outlive; its output is followed from files.
            var detached = Ncs.Daemon(plan.RunDirectory.Path, plan.RunDirectory.NcsConf, environment, outliveAppHost: true);
            return runner.StartDetachedDaemon(detached, plan.RunDirectory.DaemonOutput, ForwardOutput);
        }

        return runner.StartDaemon(Ncs.Daemon(plan.RunDirectory.Path, plan.RunDirectory.NcsConf, environment), ForwardOutput);
    }

    /// <summary>
    /// At a persistent instance's first start: the daemon an earlier app host left running, when it runs
    /// with what this plan would write. One that does not is stopped, and null returned, so a new one starts.
    /// </summary>
    private async Task<IDaemonProcess?> AdoptLeftRunningAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _leftRunning, null) is not { } earlier)
        {
            return null;
        }

        var changes = await InstanceMaterializer.ChangesSinceAsync(plan, engine, earlier.State, cancellationToken);
        if (changes.Count > 0)
        {
            await new OrphanedDaemon(runner, logger).StopAsync(plan.RunDirectory, earlier, $"with another configuration ({string.Join("; ", changes)}), so a new one starts", cancellationToken);
            return null;
        }

        try
        {
            var daemon = runner.AdoptDaemon(earlier.Pid, plan.RunDirectory.DaemonOutput, ForwardOutput);
            InstanceMaterializer.WriteShellFiles(plan, engine);
            logger.LogInformation("Adopted NSO instance {Name}: daemon {Pid}, left running by an earlier app host, runs with this plan (persistent lifetime)", resource.Name, earlier.Pid);
            return daemon;
        }
        catch (ArgumentException)
        {
            logger.LogInformation("Daemon {Pid} of {Name} exited before it could be adopted; starting a new one", earlier.Pid, resource.Name);
            return null;
        }
    }

    private async Task FailAsync(string reason)
    {
        logger.LogError("NSO instance {Name} failed to start: {Reason}", resource.Name, reason);
        await DiscardDaemonAsync();
        await StopDevicesAsync(CancellationToken.None);
        await dashboard.FailedToStartAsync(resource, reason);
    }

    private async Task DiscardDaemonAsync()
    {
        if (_daemon is not { } daemon)
        {
            return;
        }

        // No _stopRequested here: the crash restart loop reads it as "stopped by the user", so
        // setting it made a failed restart attempt end the loop instead of retrying.
        daemon.Kill();
        await daemon.Exited;
        await daemon.DisposeAsync();
        _daemon = null;
        plan.RunDirectory.RecordPid(null);
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken, bool showStopping = true)
    {
        // Also when no daemon runs: a crashed instance waiting out its restart backoff stays stopped.
        _stopRequested = true;

        // Beside the daemon's stop, which takes the longer.
        var devices = StopDevicesAsync(cancellationToken);
        try
        {
            await StopDaemonAsync(showStopping, cancellationToken);
        }
        finally
        {
            await devices;
        }
    }

    private async Task StartDevicesAsync(CancellationToken cancellationToken)
    {
        if (_devices is null)
        {
            return;
        }

        _devicesStarted = true;
        try
        {
            await File.WriteAllTextAsync(plan.RunDirectory.NetsimStartedMarker, "", cancellationToken);
            _devicesStopped.Clear();

            // Not cancelled by a stop that comes meanwhile: devices that a cut-short ncs-netsim start had
            // already spawned would bind their ports after the stop looked for them, and outlive the app host.
            // The verb has its own timeout.
            var liveness = await _devices.StartAsync(null, CancellationToken.None);
            await dashboard.DevicesAsync(resource, engine, liveness, _devicesStopped);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The devices failing does not fail NSO: it runs, and the devices can be started again.
            logger.LogError(ex, "The netsim devices of {Name} could not be started", resource.Name);
        }
    }

    /// <summary>The onboard step; its failures are each device's result, shown and logged, and never fail the instance.</summary>
    private async Task<OnboardingReport?> OnboardDevicesAsync(CancellationToken cancellationToken)
    {
        if (_devices is null || !_devicesStarted)
        {
            return null;
        }

        try
        {
            var merge = File.Exists(plan.RunDirectory.NetsimMergePendingMarker);
            var report = await _onboarding.OnboardAsync(plan, merge, cancellationToken);
            if (merge && report.Merged)
            {
                File.Delete(plan.RunDirectory.NetsimMergePendingMarker);
            }

            foreach (var failed in report.Failed)
            {
                logger.LogWarning("Netsim device {Device} of {Name} is not in sync: {Reason}", failed.Device, resource.Name, failed.Info);
            }

            logger.LogInformation("Devices of {Name}: {InSync} of {Count} in sync after fetch-ssh-host-keys and sync-from", resource.Name, report.InSync, report.Devices.Count);
            await ShowSyncAsync(report);
            return report;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not onboard the netsim devices of {Name}; run `devices fetch-ssh-host-keys` and `devices sync-from` on it by hand", resource.Name);
            return null;
        }
    }

    private async Task ShowSyncAsync(OnboardingReport? report)
    {
        if (report is null)
        {
            return;
        }

        _synced = report;
        await dashboard.DevicesSyncedAsync(resource, report);
    }

    private async Task StopDevicesAsync(CancellationToken cancellationToken)
    {
        if (_devices is null || !_devicesStarted)
        {
            return;
        }

        _devicesStarted = false;
        try
        {
            await _devices.StopAsync(null, cancellationToken);
            File.Delete(plan.RunDirectory.NetsimStartedMarker);
            await dashboard.DevicesStoppedAsync(resource);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "The netsim devices of {Name} could not be stopped; stop them with `{Command}`", resource.Name, $"{string.Join(' ', NetsimCommand.Of(engine).CommandLine)} --dir {_devices.Plan.Directory} stop");
        }
    }

    private async Task StopDaemonAsync(bool showStopping, CancellationToken cancellationToken)
    {
        if (_daemon is not { } daemon)
        {
            if (_restartPending)
            {
                // Shown stopped now, not "Restarting in N s" until the backoff ends.
                await dashboard.StoppedAsync(resource, _crashExitCode, expected: true);
            }

            return;
        }

        if (!daemon.Exited.IsCompleted)
        {
            if (showStopping)
            {
                await dashboard.StoppingAsync(resource);
            }

            await new DaemonStop(runner, timeProvider, logger).StopAsync(plan, Ncs, daemon, cancellationToken);
        }

        var exitCode = await daemon.Exited;
        await daemon.DisposeAsync();
        _daemon = null;
        plan.RunDirectory.RecordPid(null);
        await dashboard.StoppedAsync(resource, exitCode, expected: true);
    }

    /// <summary>An exit nobody asked for: shown on the dashboard, then restarted with backoff, up to a cap.</summary>
    private async Task WatchForExitAsync(IDaemonProcess daemon)
    {
        int exitCode;
        try
        {
            // A persistent daemon left running at shutdown ends after this runner is gone.
            exitCode = await daemon.Exited.WaitAsync(_shutdown.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await _gate.WaitAsync();
        try
        {
            if (_stopRequested || !ReferenceEquals(_daemon, daemon))
            {
                return;
            }

            logger.LogError("NSO instance {Name} exited unexpectedly with {Meaning}", resource.Name, NcsExitCode.Describe(exitCode));
            await daemon.DisposeAsync();
            _daemon = null;
            plan.RunDirectory.RecordPid(null);
            await dashboard.StoppedAsync(resource, exitCode, expected: false);
        }
        finally
        {
            _gate.Release();
        }

        _crashExitCode = exitCode;
        _restartPending = true;
        try
        {
            await _restarts.RestartAsync(
                resource.Name,
                logger,
                (attempt, delay) => dashboard.RestartingAsync(resource, attempt, CrashRestartPolicy.MaxRestarts, delay),
                ct => UnderGateWithResultAsync(() => _stopRequested ? NotRestartedAsync() : StartCoreAsync(ct), ct));
        }
        finally
        {
            _restartPending = false;
        }
    }

    private Task<bool> NotRestartedAsync()
    {
        logger.LogInformation("NSO instance {Name} was stopped during the restart backoff; it is not restarted", resource.Name);
        return Task.FromResult(true);
    }

    private async Task<T> UnderGateWithResultAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await operation();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void ForwardOutput(OutputLine line)
    {
        var level = DaemonOutput.LevelOf(line);
        if (level == LogLevel.Error)
        {
            _lastError = line.Text;
        }

        logger.Log(level, "{Line}", line.Text);
    }
}

/// <summary>What a device's dashboard command asks of ncs-netsim.</summary>
internal enum NetsimDeviceOperation
{
    Start,
    Stop,
    Reset,
}
