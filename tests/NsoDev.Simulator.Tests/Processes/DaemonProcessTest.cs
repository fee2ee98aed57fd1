namespace NsoDev.Simulator.Tests.Processes;

/// <summary>
/// A test class that runs real nso-sim daemons in a temporary run directory on free ports; whatever
/// daemon a test left in <see cref="Daemon"/> is stopped, and the directory removed, afterwards.
/// </summary>
public abstract class DaemonProcessTest : IAsyncLifetime
{
    // Within the tests' 30 s timeouts; a loaded CI box (the end-to-end tests now run in parallel) took over 10 s to start one.
    protected static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(25);

    internal SimRunDirectory Run { get; } = new();

    internal NsoSimProcess? Daemon { get; set; }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Daemon is not null)
        {
            await Daemon.DisposeAsync();
        }

        Run.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts <see cref="Daemon"/> in <see cref="Run"/> as the orchestrator does, and waits until it has started.</summary>
    internal Task StartAsync(CancellationToken cancellationToken) => StartAsync(null, cancellationToken);

    /// <inheritdoc cref="StartAsync(CancellationToken)"/>
    internal async Task StartAsync(SimDaemonOptions? options, CancellationToken cancellationToken) =>
        Daemon = (await SimDaemon.StartAsync(Run, options, cancellationToken)).Process;
}
