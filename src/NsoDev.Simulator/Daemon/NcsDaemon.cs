using System.Runtime.InteropServices;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Logging;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// The simulated ncs daemon: read ncs.conf, open ncs.log, bind every listener, walk the start
/// phases, then serve until a stop request. Returns the exit code NSO would give.
/// </summary>
internal sealed class NcsDaemon : IControlledDaemon
{
    private readonly DaemonOptions _options;
    private readonly NsoVersion _version;
    private readonly DaemonConsole _console;
    private readonly TimeProvider _time;
    private readonly Func<string, string?> _getVariable;
    private readonly DaemonState _state = new();
    private readonly TaskCompletionSource<StopRequest> _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _reloadGate = new();
    private string _runDirectory = string.Empty;
    private NcsConf _conf = null!;
    private NcsLog _log = null!;
    private ListenerSet? _listeners;

    private NcsDaemon(DaemonOptions options, NsoVersion version, DaemonConsole console, TimeProvider time, Func<string, string?> getVariable)
    {
        _options = options;
        _version = version;
        _console = console;
        _time = time;
        _getVariable = getVariable;
    }

    public static async Task<int> RunAsync(DaemonOptions options, NsoVersion version, DaemonConsole console, TimeProvider time, Func<string, string?> getVariable)
    {
        var daemon = new NcsDaemon(options, version, console, time, getVariable);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, daemon.OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, daemon.OnSignal);
        return await daemon.RunAsync();
    }

    public string Status() => StatusReport.Format(_version, _state.Phase, _listeners?.All ?? []);

    public void RequestStop(StopRequest request) => _stop.TrySetResult(request);

    public string? Reload()
    {
        lock (_reloadGate)
        {
            try
            {
                var conf = NcsConfParser.Load(_conf.SourcePath, _runDirectory, _getVariable);
                _log.Reopen(conf.NcsLog);
                _log.Info($"Reloaded {conf.SourcePath}");
                if (!conf.Listeners.SequenceEqual(_conf.Listeners))
                {
                    _log.Write(NcsLogLevel.Warning, "Listener addresses changed in ncs.conf; nso-sim rebinds them only at the next start");
                }

                _conf = conf;
                return null;
            }
            catch (Exception e) when (e is NcsConfException or IOException or UnauthorizedAccessException)
            {
                _log.Error($"Reload failed, the old configuration stays: {e.Message}");
                return e.Message;
            }
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        // The default action would end the process before ncs.log says why.
        context.Cancel = true;
        RequestStop(StopRequest.BySignal(context.Signal));
    }

    private async Task<int> RunAsync()
    {
        if (StartupError() is { } failure)
        {
            return failure;
        }

        _log.Info($"Starting nso-sim, simulating NCS vsn: {_version} (this is not NSO)");
        try
        {
            _listeners = await ListenerSet.BindAsync(_conf, IpcHandler(), _ => ClosingConnectionHandler.Instance, ReportError);
        }
        catch (ListenerBindException e)
        {
            _log.Error(e.Message);
            _log.Dispose();
            await _console.Error.WriteLineAsync("nso-sim: " + e.Message);
            return NcsExitCode.BindFailed;
        }

        Start(_listeners);
        var stop = await _stop.Task;
        return stop.Clean ? await StopCleanlyAsync(stop, _listeners) : StopAbruptly(stop);
    }

    /// <summary>Enters the run directory, reads ncs.conf and opens ncs.log; an exit code when one fails.</summary>
    private int? StartupError()
    {
        try
        {
            if (_options.RunDirectory is { } directory)
            {
                Directory.SetCurrentDirectory(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _console.Error.WriteLine($"nso-sim: --cd {_options.RunDirectory}: {e.Message}");
            return NcsExitCode.InternalError;
        }

        _runDirectory = Directory.GetCurrentDirectory();
        try
        {
            _conf = NcsConfParser.Load(_options.ConfFile, _runDirectory, _getVariable);
            _log = NcsLog.Open(_conf.NcsLog, _options.Verbose, _console.Out, _time);
            return null;
        }
        catch (NcsConfException e)
        {
            _console.Error.WriteLine($"nso-sim: Bad configuration: {e.Message}");
            return NcsExitCode.BadConfiguration;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _console.Error.WriteLine($"nso-sim: cannot open ncs.log {_conf.NcsLog.FilePath}: {e.Message}; check logs/ncs-log/file/name in ncs.conf");
            return NcsExitCode.BadConfiguration;
        }
    }

    private IpcConnectionHandler IpcHandler() =>
        new(new IpcSessionContext(_version, IpcAccessCheckOff.Instance, new SimControlRequests(this), ReportError));

    private void Start(ListenerSet listeners)
    {
        // IPC opens first so that --wait-started sees the phases go by; users' ports open at "started".
        listeners.Ipc.StartAccepting();
        _state.Advance(DaemonPhase.Phase0);
        _state.Advance(DaemonPhase.Phase1);
        foreach (var listener in listeners.All)
        {
            _log.Info($"Listening on {listener.LocalEndPoint} for {listener.Conf.Name} ({listener.Conf.ConfPath})");
        }

        foreach (var listener in listeners.Northbound)
        {
            listener.StartAccepting();
        }

        _state.Advance(DaemonPhase.Started);
        _log.Info("Started");
        if (_options.StopOnEof)
        {
            EndOfInputWatch.Start(_console.OpenStdin(), () => RequestStop(StopRequest.ByEndOfInput));
        }
    }

    private async Task<int> StopCleanlyAsync(StopRequest stop, ListenerSet listeners)
    {
        _state.Advance(DaemonPhase.Stopping);
        _log.Info(stop.LogMessage);
        await listeners.CloseNorthboundAsync();
        _log.Info("Stopped");
        _log.Dispose();

        // Last: a waiting `ncs --stop` returns when this closes its connection.
        await listeners.Ipc.DisposeAsync();
        return stop.ExitCode;
    }

    private int StopAbruptly(StopRequest stop)
    {
        _log.Critical(stop.LogMessage);
        _log.Dispose();
        return stop.ExitCode;
    }

    private void ReportError(string message) => _log.Error(message);
}
