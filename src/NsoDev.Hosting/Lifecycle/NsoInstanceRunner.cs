using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Processes;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>
/// Runs one instance through its steps in order: materialize, launch, ready, serve, stop. It holds
/// no logic of the steps themselves; it reports each change to the dashboard.
/// </summary>
internal sealed class NsoInstanceRunner(
    NsoResource resource,
    NcsEngine engine,
    IProcessRunner runner,
    ReadinessWaiter readiness,
    NsoDashboard dashboard,
    ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IDaemonProcess? _daemon;
    private bool _stopRequested;

    private NsoInstancePlan Plan => resource.Plan ?? throw new InvalidOperationException($"NSO instance '{resource.Name}' has no plan; it is made before start.");

    private NcsCommandLine Ncs => new(engine.Executable);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await StartCoreAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await StopCoreAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var plan = Plan;
        _stopRequested = false;
        await dashboard.StartingAsync(resource, engine);
        try
        {
            InstanceMaterializer.Materialize(plan, resource.Settings, engine);
            logger.LogInformation("Starting {Engine} in {RunDirectory}: IPC {Address}:{Port}, sname {Sname}", engine.DisplayName, plan.RunDirectory.Path, NsoInstancePlan.IpcAddress, plan.IpcPort, plan.Sname);

            var environment = InstanceMaterializer.DaemonEnvironment(plan, engine);
            var daemon = runner.StartDaemon(Ncs.Daemon(plan.RunDirectory.Path, plan.RunDirectory.NcsConf, environment), ForwardOutput);
            _daemon = daemon;
            await File.WriteAllTextAsync(plan.RunDirectory.PidFile, daemon.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken);

            var ready = await readiness.WaitAsync(Ncs, plan.ControlEnvironment, daemon.Exited, resource.Settings.StartupTimeout, cancellationToken);
            if (!ready.Started)
            {
                await FailAsync(ready.FailureReason!);
                return;
            }

            logger.LogInformation("NSO instance {Name} started (pid {Pid})", resource.Name, daemon.ProcessId);
            await dashboard.RunningAsync(resource, engine, daemon.ProcessId);
            _ = WatchForExitAsync(daemon);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await FailAsync(ex.Message);
        }
    }

    private async Task FailAsync(string reason)
    {
        logger.LogError("NSO instance {Name} failed to start: {Reason}", resource.Name, reason);
        if (_daemon is { } daemon)
        {
            _stopRequested = true;
            daemon.Kill();
            await daemon.Exited;
            await daemon.DisposeAsync();
            _daemon = null;
            TryDelete(Plan.RunDirectory.PidFile);
        }

        await dashboard.FailedToStartAsync(resource, reason);
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        if (_daemon is not { } daemon)
        {
            return;
        }

        _stopRequested = true;
        await dashboard.StoppingAsync(resource);
        var timeout = resource.Settings.StopTimeout;
        using var stopTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stopTimeout.CancelAfter(timeout);
        try
        {
            var result = await runner.RunAsync(Ncs.Stop(Plan.ControlEnvironment), stopTimeout.Token);
            if (result.ExitCode != NcsExitCode.Ok)
            {
                logger.LogWarning("`ncs --stop` for {Name} returned {ExitCode}: {Output}; closing its stdin instead", resource.Name, result.ExitCode, result.Output);
                daemon.CloseStandardInput();
            }

            await daemon.Exited.WaitAsync(stopTimeout.Token);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("NSO instance {Name} did not stop within {Seconds} s; killing it", resource.Name, timeout.TotalSeconds);
            daemon.Kill();
        }

        var exitCode = await daemon.Exited;
        await daemon.DisposeAsync();
        _daemon = null;
        TryDelete(Plan.RunDirectory.PidFile);
        await dashboard.StoppedAsync(resource, exitCode, expected: true);
    }

    private async Task WatchForExitAsync(IDaemonProcess daemon)
    {
        var exitCode = await daemon.Exited;
        if (_stopRequested || !ReferenceEquals(_daemon, daemon))
        {
            return;
        }

        logger.LogError("NSO instance {Name} exited unexpectedly with {Meaning}", resource.Name, NcsExitCode.Describe(exitCode));
        TryDelete(Plan.RunDirectory.PidFile);
        await dashboard.StoppedAsync(resource, exitCode, expected: false);
    }

    private void ForwardOutput(OutputLine line)
    {
        // NSO's log lines start with their level, e.g. "<ERR> 26-Nov-2026::06:18:28.123 host ncs[42]: - ...".
        if (line.IsError || line.Text.StartsWith("<ERR>", StringComparison.Ordinal) || line.Text.StartsWith("<CRIT>", StringComparison.Ordinal))
        {
            logger.LogError("{Line}", line.Text);
        }
        else if (line.Text.StartsWith("<WARNING>", StringComparison.Ordinal))
        {
            logger.LogWarning("{Line}", line.Text);
        }
        else
        {
            logger.LogInformation("{Line}", line.Text);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The next run treats a pid file whose process is gone as stale.
        }
    }
}
