using System.Collections.Concurrent;
using NsoDev.Hosting.Launch;

namespace NsoDev.Hosting.Tests;

/// <summary>Records every command and plays back scripted results, in order, per first argument.</summary>
internal sealed class FakeProcessRunner : IProcessRunner
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<CancellationToken, Task<ProcessResult>>>> _scripts = new();

    public ConcurrentQueue<ProcessSpec> Calls { get; } = new();

    public bool StartsDaemonsInOwnSession { get; set; } = true;

    public FakeDaemon? Daemon { get; private set; }

    public FakeProcessRunner Returns(string firstArgument, params ProcessResult[] results)
    {
        foreach (var result in results)
        {
            _scripts.GetOrAdd(firstArgument, _ => new()).Enqueue(_ => Task.FromResult(result));
        }

        return this;
    }

    public FakeProcessRunner Hangs(string firstArgument)
    {
        _scripts.GetOrAdd(firstArgument, _ => new()).Enqueue(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        Calls.Enqueue(spec);
        var key = spec.Arguments.Count > 0 ? spec.Arguments[0] : string.Empty;
        if (_scripts.TryGetValue(key, out var queue) && queue.TryDequeue(out var next))
        {
            return next(cancellationToken);
        }

        throw new InvalidOperationException($"No scripted result for `{spec}`.");
    }

    public IDaemonProcess StartDaemon(ProcessSpec spec, Action<OutputLine> onOutput)
    {
        Calls.Enqueue(spec);
        Daemon = new FakeDaemon();
        return Daemon;
    }

    public IDaemonProcess StartDetachedDaemon(ProcessSpec spec, DaemonOutputFiles output, Action<OutputLine> onOutput) => StartDaemon(spec, onOutput);

    /// <summary>The pids <see cref="AdoptDaemon"/> finds running; any other is refused, as for a process that is gone.</summary>
    public HashSet<int> RunningPids { get; } = [];

    public IDaemonProcess AdoptDaemon(int pid, DaemonOutputFiles output, Action<OutputLine> onOutput)
    {
        if (!RunningPids.Contains(pid))
        {
            throw new ArgumentException($"Process with an Id of {pid} is not running.", nameof(pid));
        }

        Daemon = new FakeDaemon(pid);
        return Daemon;
    }

    public int CountOf(string firstArgument) => Calls.Count(c => c.Arguments.Count > 0 && c.Arguments[0] == firstArgument);
}

internal sealed class FakeDaemon(int processId = 4242) : IDaemonProcess
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int ProcessId => processId;

    /// <summary>Left running for the next app host: no longer watched, not killed.</summary>
    public bool Released { get; private set; }

    public Task<int> Exited => _exited.Task;

    public bool StandardInputClosed { get; private set; }

    public bool Killed { get; private set; }

    public void Exit(int code) => _exited.TrySetResult(code);

    public void CloseStandardInput()
    {
        StandardInputClosed = true;
        Exit(0);
    }

    public void Kill()
    {
        Killed = true;
        Exit(137);
    }

    public ValueTask ReleaseAsync()
    {
        Released = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
