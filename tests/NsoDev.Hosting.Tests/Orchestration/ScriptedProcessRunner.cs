using NsoDev.Hosting.Launch;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>A daemon the runner started, with what it was started with and the sink of its output.</summary>
/// <param name="Daemon">The fake process.</param>
/// <param name="Spec">Its command line.</param>
/// <param name="Output">The sink of its output.</param>
/// <param name="DetachedOutput">Where it writes when it was started to outlive the app host; null for a daemon tied to it.</param>
internal sealed record StartedDaemon(FakeDaemon Daemon, ProcessSpec Spec, Action<OutputLine> Output, DaemonOutputFiles? DetachedOutput = null);

/// <summary>
/// <see cref="FakeProcessRunner"/> plus what orchestration tests need on top: every daemon it started,
/// a wait for the n-th call of a verb, and a daemon that exits when <c>ncs --stop</c> is run.
/// </summary>
internal sealed class ScriptedProcessRunner(FakeProcessRunner fake) : IProcessRunner
{
    private readonly List<string> _exitDaemonOn = [];

    public History<ProcessSpec> Runs { get; } = new(s => s.ToString());

    public bool StartsDaemonsInOwnSession => fake.StartsDaemonsInOwnSession;

    public FakeProcessRunner Fake => fake;

    /// <summary>Called on every command and daemon start, before it runs: a test looks at the disk at that moment.</summary>
    public Action<ProcessSpec>? OnCall { get; set; }

    public History<StartedDaemon> Daemons { get; } = new(d => d.Spec.ToString());

    public ScriptedProcessRunner Returns(string firstArgument, params ProcessResult[] results)
    {
        fake.Returns(firstArgument, results);
        return this;
    }

    public ScriptedProcessRunner Hangs(string firstArgument)
    {
        fake.Hangs(firstArgument);
        return this;
    }

    /// <summary>`ncs --stop` succeeds and the daemon exits with 0, as NSO does.</summary>
    public ScriptedProcessRunner StopsCleanly()
    {
        lock (_exitDaemonOn)
        {
            _exitDaemonOn.Add("--stop");
        }

        return Returns("--stop", new ProcessResult(0, "", ""));
    }

    public int CountOf(string firstArgument) => Runs.Count(s => FirstArgument(s) == firstArgument);

    public Task<ProcessSpec> WaitForRunAsync(string firstArgument, int occurrence = 1) =>
        Runs.WaitForAsync(s => FirstArgument(s) == firstArgument, $"`ncs {firstArgument}`", occurrence);

    public Task<StartedDaemon> WaitForDaemonAsync(int number = 1) =>
        Daemons.WaitForAsync(_ => true, "a daemon", number);

    /// <summary>Commands this picks run as real processes (a fake ncs-netsim script), recorded like the others.</summary>
    public Func<ProcessSpec, bool>? RunsForReal { get; set; }

    public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        OnCall?.Invoke(spec);
        Runs.Add(spec);
        if (RunsForReal?.Invoke(spec) == true)
        {
            return new CliWrapProcessRunner().RunAsync(spec, cancellationToken);
        }

        bool exitDaemon;
        lock (_exitDaemonOn)
        {
            exitDaemon = _exitDaemonOn.Contains(FirstArgument(spec));
        }

        var daemons = Daemons.Items;
        if (exitDaemon && daemons.Count > 0)
        {
            daemons[^1].Daemon.Exit(0);
        }

        return fake.RunAsync(spec, cancellationToken);
    }

    /// <summary>The daemons adopted from an earlier app host, by pid.</summary>
    public History<FakeDaemon> Adopted { get; } = new(d => d.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public IDaemonProcess StartDaemon(ProcessSpec spec, Action<OutputLine> onOutput)
    {
        OnCall?.Invoke(spec);
        var daemon = (FakeDaemon)fake.StartDaemon(spec, onOutput);
        Daemons.Add(new StartedDaemon(daemon, spec, onOutput));
        return daemon;
    }

    public IDaemonProcess StartDetachedDaemon(ProcessSpec spec, DaemonOutputFiles output, Action<OutputLine> onOutput)
    {
        OnCall?.Invoke(spec);
        var daemon = (FakeDaemon)fake.StartDetachedDaemon(spec, output, onOutput);
        Daemons.Add(new StartedDaemon(daemon, spec, onOutput, output));
        return daemon;
    }

    public IDaemonProcess AdoptDaemon(int pid, DaemonOutputFiles output, Action<OutputLine> onOutput)
    {
        var daemon = (FakeDaemon)fake.AdoptDaemon(pid, output, onOutput);
        Adopted.Add(daemon);
        return daemon;
    }

    private static string FirstArgument(ProcessSpec spec) => spec.Arguments.Count > 0 ? spec.Arguments[0] : string.Empty;
}
