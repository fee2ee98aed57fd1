using System.Diagnostics;
using System.Text;
using CliWrap;

namespace NsoDev.Hosting.Launch;

/// <summary>Runs processes through CliWrap.</summary>
internal sealed class CliWrapProcessRunner : IProcessRunner
{
    /// <summary>util-linux's setsid, which puts the daemon in a session of its own.</summary>
    private const string SetSid = "/usr/bin/setsid";

    /// <summary>
    /// Gives a detached daemon files instead of this process's pipes, then becomes it (exec keeps the
    /// pid): $1 and $2 are the output files, the rest is the daemon's command line.
    /// </summary>
    private const string RedirectAndExec = "out=$1; err=$2; shift 2; exec \"$@\" </dev/null >>\"$out\" 2>>\"$err\"";

    public bool StartsDaemonsInOwnSession => File.Exists(SetSid);

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var result = await Build(spec.FileName, spec.Arguments, spec)
            .WithStandardInputPipe(spec.StandardInput is { } input ? PipeSource.FromString(input) : PipeSource.Null)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync(cancellationToken);
        return new ProcessResult(result.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public IDaemonProcess StartDaemon(ProcessSpec spec, Action<OutputLine> onOutput)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(onOutput);
        var (fileName, arguments) = InOwnSession([spec.FileName, .. spec.Arguments]);
        return new CliWrapDaemon(Build(fileName, arguments, spec), onOutput);
    }

    public IDaemonProcess StartDetachedDaemon(ProcessSpec spec, DaemonOutputFiles output, Action<OutputLine> onOutput)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(onOutput);
        var (fileName, arguments) = InOwnSession(["/bin/sh", "-c", RedirectAndExec, "nsodev-daemon", output.StandardOutput, output.StandardError, spec.FileName, .. spec.Arguments]);
        var followers = Follow(output, onOutput);
        return new CliWrapDaemon(Build(fileName, arguments, spec), _ => { }, followers);
    }

    public IDaemonProcess AdoptDaemon(int pid, DaemonOutputFiles output, Action<OutputLine> onOutput)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(onOutput);
        var process = Process.GetProcessById(pid);
        return new AdoptedDaemon(process, Follow(output, onOutput));
    }

    /// <summary>The command line under setsid where it is installed; as it is otherwise.</summary>
    private static (string FileName, IReadOnlyList<string> Arguments) InOwnSession(IReadOnlyList<string> commandLine) =>
        File.Exists(SetSid) ? (SetSid, commandLine) : (commandLine[0], commandLine.Skip(1).ToList());

    private static OutputFileFollower[] Follow(DaemonOutputFiles output, Action<OutputLine> onOutput)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(output.StandardOutput)!);
        Directory.CreateDirectory(Path.GetDirectoryName(output.StandardError)!);
        return [new(output.StandardOutput, isError: false, onOutput), new(output.StandardError, isError: true, onOutput)];
    }

    private static async ValueTask StopFollowingAsync(OutputFileFollower[] followers)
    {
        foreach (var follower in followers)
        {
            await follower.DisposeAsync();
        }
    }

    private static Command Build(string fileName, IReadOnlyList<string> arguments, ProcessSpec spec)
    {
        var command = Cli.Wrap(fileName)
            .WithArguments(arguments)
            .WithEnvironmentVariables(spec.Environment)
            .WithValidation(CommandResultValidation.None);
        return spec.WorkingDirectory is null ? command : command.WithWorkingDirectory(spec.WorkingDirectory);
    }

    private sealed class CliWrapDaemon : IDaemonProcess
    {
        private readonly TaskCompletionSource _endOfInput = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _kill = new();
        private readonly CommandTask<CommandResult> _task;
        private readonly OutputFileFollower[] _followers;

        public CliWrapDaemon(Command command, Action<OutputLine> onOutput, OutputFileFollower[]? followers = null)
        {
            _followers = followers ?? [];
            // stdin stays open until EOF is asked for: with --stop-on-eof the daemon then stops cleanly,
            // and it also stops by itself when the app host dies and the pipe closes.
            var input = PipeSource.Create(async (_, ct) => await _endOfInput.Task.WaitAsync(ct));
            _task = command
                .WithStandardInputPipe(input)
                .WithStandardOutputPipe(PipeTarget.ToDelegate(line => onOutput(new OutputLine(line, false))))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(line => onOutput(new OutputLine(line, true))))
                .ExecuteAsync(_kill.Token);
            ProcessId = _task.ProcessId;
            Exited = WaitForExitCode(_task, _followers);
        }

        public int ProcessId { get; }

        public Task<int> Exited { get; }

        public void CloseStandardInput() => _endOfInput.TrySetResult();

        public void Kill() => _kill.Cancel();

        public ValueTask ReleaseAsync() => StopFollowingAsync(_followers);

        public async ValueTask DisposeAsync()
        {
            if (!Exited.IsCompleted)
            {
                Kill();
                await Exited;
            }

            _kill.Dispose();
        }

        private static async Task<int> WaitForExitCode(CommandTask<CommandResult> task, OutputFileFollower[] followers)
        {
            try
            {
                return (await task).ExitCode;
            }
            catch (OperationCanceledException)
            {
                return 137;
            }
            finally
            {
                // Its last lines are in the files: read them before the exit is reported.
                await StopFollowingAsync(followers);
            }
        }
    }

    /// <summary>A daemon started by an earlier app host: not a child, so only its end is seen, not its exit code.</summary>
    private sealed class AdoptedDaemon : IDaemonProcess
    {
        private readonly Process _process;
        private readonly OutputFileFollower[] _followers;
        private readonly CancellationTokenSource _released = new();

        public AdoptedDaemon(Process process, OutputFileFollower[] followers)
        {
            _process = process;
            _followers = followers;
            ProcessId = process.Id;
            Exited = WaitForExitAsync();
        }

        public int ProcessId { get; }

        public Task<int> Exited { get; }

        /// <summary>It reads no stdin: `ncs --stop` failing leaves only the kill after the stop timeout.</summary>
        public void CloseStandardInput()
        {
        }

        public void Kill()
        {
            try
            {
                _process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        public async ValueTask ReleaseAsync()
        {
            await _released.CancelAsync();
            await StopFollowingAsync(_followers);
        }

        public async ValueTask DisposeAsync()
        {
            await ReleaseAsync();
            _process.Dispose();
            _released.Dispose();
        }

        private async Task<int> WaitForExitAsync()
        {
            try
            {
                await _process.WaitForExitAsync(_released.Token);
            }
            catch (OperationCanceledException)
            {
                // Released: it goes on running, and its end is no longer awaited.
                return NcsExitCode.Unknown;
            }

            await StopFollowingAsync(_followers);
            return NcsExitCode.Unknown;
        }
    }
}
