using System.Text;
using CliWrap;

namespace NsoDev.Hosting.Launch;

/// <summary>Runs processes through CliWrap.</summary>
internal sealed class CliWrapProcessRunner : IProcessRunner
{
    /// <summary>util-linux's setsid, which puts the daemon in a session of its own.</summary>
    private const string SetSid = "/usr/bin/setsid";

    public bool StartsDaemonsInOwnSession => File.Exists(SetSid);

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var result = await Build(spec.FileName, spec.Arguments, spec)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync(cancellationToken);
        return new ProcessResult(result.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public IDaemonProcess StartDaemon(ProcessSpec spec, Action<OutputLine> onOutput)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(onOutput);
        var (fileName, arguments) = File.Exists(SetSid)
            ? (SetSid, (IReadOnlyList<string>)[spec.FileName, .. spec.Arguments])
            : (spec.FileName, spec.Arguments);
        return new CliWrapDaemon(Build(fileName, arguments, spec), onOutput);
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

        public CliWrapDaemon(Command command, Action<OutputLine> onOutput)
        {
            // stdin stays open until EOF is asked for: with --stop-on-eof the daemon then stops cleanly,
            // and it also stops by itself when the app host dies and the pipe closes.
            var input = PipeSource.Create(async (_, ct) => await _endOfInput.Task.WaitAsync(ct));
            _task = command
                .WithStandardInputPipe(input)
                .WithStandardOutputPipe(PipeTarget.ToDelegate(line => onOutput(new OutputLine(line, false))))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(line => onOutput(new OutputLine(line, true))))
                .ExecuteAsync(_kill.Token);
            ProcessId = _task.ProcessId;
            Exited = WaitForExitCode(_task);
        }

        public int ProcessId { get; }

        public Task<int> Exited { get; }

        public void CloseStandardInput() => _endOfInput.TrySetResult();

        public void Kill() => _kill.Cancel();

        public async ValueTask DisposeAsync()
        {
            if (!Exited.IsCompleted)
            {
                Kill();
                await Exited;
            }

            _kill.Dispose();
        }

        private static async Task<int> WaitForExitCode(CommandTask<CommandResult> task)
        {
            try
            {
                return (await task).ExitCode;
            }
            catch (OperationCanceledException)
            {
                return 137;
            }
        }
    }
}
