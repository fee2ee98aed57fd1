namespace NsoDev.Simulator.Daemon;

/// <summary>The start phases <c>--status</c> reports (NSO-NOTES §2), in order.</summary>
internal enum DaemonPhase
{
    Starting,
    Phase0,
    Phase1,
    Started,
    Stopping,
}

/// <summary>The current phase. It only moves forward; status requests read it from any thread.</summary>
internal sealed class DaemonState
{
    private int _phase = (int)DaemonPhase.Starting;

    public DaemonPhase Phase => (DaemonPhase)Volatile.Read(ref _phase);

    public void Advance(DaemonPhase next)
    {
        var current = Phase;
        if (next <= current)
        {
            throw new InvalidOperationException($"The daemon cannot go from {current} back to {next}.");
        }

        Volatile.Write(ref _phase, (int)next);
    }

    /// <summary>The word <c>--status</c> prints: starting, phase0, phase1, started, stopping.</summary>
    public static string StatusWord(DaemonPhase phase) => phase switch
    {
        DaemonPhase.Starting => "starting",
        DaemonPhase.Phase0 => "phase0",
        DaemonPhase.Phase1 => "phase1",
        DaemonPhase.Started => "started",
        _ => "stopping",
    };
}
