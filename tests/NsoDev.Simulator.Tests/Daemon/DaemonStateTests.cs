using NsoDev.Simulator.Daemon;

namespace NsoDev.Simulator.Tests.Daemon;

public sealed class DaemonStateTests
{
    [Fact]
    public void The_phases_go_forward_from_starting_to_stopping()
    {
        var state = new DaemonState();
        var seen = new List<string> { DaemonState.StatusWord(state.Phase) };

        foreach (var phase in new[] { DaemonPhase.Phase0, DaemonPhase.Phase1, DaemonPhase.Started, DaemonPhase.Stopping })
        {
            state.Advance(phase);
            seen.Add(DaemonState.StatusWord(state.Phase));
        }

        Assert.Equal(["starting", "phase0", "phase1", "started", "stopping"], seen);
    }

    [Fact]
    public void A_phase_never_goes_back()
    {
        var state = new DaemonState();
        state.Advance(DaemonPhase.Started);

        Assert.Throws<InvalidOperationException>(() => state.Advance(DaemonPhase.Phase1));
    }

    [Fact]
    public void A_daemon_may_stop_before_it_has_started()
    {
        var state = new DaemonState();
        state.Advance(DaemonPhase.Phase0);

        state.Advance(DaemonPhase.Stopping);

        Assert.Equal(DaemonPhase.Stopping, state.Phase);
    }
}
