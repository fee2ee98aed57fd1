using System.Runtime.InteropServices;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.HaRaft;
using NsoDev.Simulator.HaRaft.Transport;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Logging;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// The simulated ncs daemon: read ncs.conf (and its fragments), open the logs, read the IPC
/// access secret, bind every listener, walk the start phases, then serve until a stop request.
/// Returns the exit code NSO would give.
/// </summary>
internal sealed class NcsDaemon : IControlledDaemon, IDisposable
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
    private IpcListenPlan _ipc = null!;
    private NcsLogs _logs = null!;
    private IIpcAccessCheck _accessCheck = IpcAccessCheckOff.Instance;
    private TimeSpan _startDelay;
    private ListenerSet? _listeners;
    private NorthboundServices? _northbound;
    private readonly CancellationTokenSource _haRaftStop = new();
    private readonly SemaphoreSlim _primaryListenGate = new(1, 1);
    private readonly List<TcpServiceListener> _primaryListeners = [];
    private NcsLog? _raftLog;
    private RaftTlsTransport? _raftTransport;
    private Task _haRaftLoop = Task.CompletedTask;

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
        using var daemon = new NcsDaemon(options, version, console, time, getVariable);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, daemon.OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, daemon.OnSignal);
        return await daemon.RunAsync();
    }

    public void Dispose()
    {
        _haRaftStop.Dispose();
        _primaryListenGate.Dispose();
    }

    public string Status() => StatusReport.Format(_version, _state.Phase, _accessCheck.Enabled, _listeners?.All ?? [], _startDelay);

    public void RequestStop(StopRequest request) => _stop.TrySetResult(request);

    public string? Reload()
    {
        lock (_reloadGate)
        {
            try
            {
                var conf = NcsConfParser.Load(_conf.SourcePath, _runDirectory, _getVariable, _version);
                _logs.Reopen(conf.Logs);
                _logs.Ncs.Info($"Reloaded {conf.SourcePath}");
                _logs.Audit.Info($"ncs --reload: reloaded {conf.SourcePath}");
                if (!conf.Northbound.SequenceEqual(_conf.Northbound)
                    || IpcListenPlan.Resolve(conf, _version, _getVariable).ToString() != _ipc.ToString()
                    || conf.AccessCheck != _conf.AccessCheck)
                {
                    _logs.Ncs.Warning("Listener addresses, IPC or the IPC access check changed in ncs.conf; nso-sim applies them only at the next start");
                }

                _conf = conf;
                return null;
            }
            catch (Exception e) when (e is NcsConfException or NcsLogOpenException)
            {
                _logs.Ncs.Error($"Reload failed, the old configuration stays: {e.Message}");
                return e.Message;
            }
        }
    }

    public Cli.CliOutcome? RunCli(string user, string line) =>
        _state.Phase == DaemonPhase.Started ? _northbound?.RunCliLine(user, line) : null;

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

        _logs.Ncs.Info($"Starting nso-sim, simulating NCS vsn: {_version} (this is not NSO)");
        if (AccessCheckError() is { } accessFailure)
        {
            return accessFailure;
        }

        try
        {
            _northbound = NorthboundServices.Open(_conf, new DaemonNcsState(this), _logs, CreateHaRaft);
        }
        catch (CdbLoadException e)
        {
            return await FailAsync(NcsExitCode.CdbCorrupt, $"CDB: {e.Message}");
        }
        catch (Exception e) when (e is RaftTransportException or IOException or UnauthorizedAccessException)
        {
            _raftLog?.Dispose();
            return await FailAsync(NcsExitCode.BadConfiguration, $"HA Raft: {e.Message}");
        }

        try
        {
            _listeners = await ListenerSet.BindAsync(_ipc, _conf, IpcHandler(), _northbound.HandlerFor, ReportError, _logs.Ncs.Info);
        }
        catch (ListenerBindException e)
        {
            await _northbound.DisposeAsync();
            return await FailAsync(NcsExitCode.BindFailed, e.Message);
        }

        if (_northbound.HaRaft is { } haRaft)
        {
            try
            {
                await haRaft.StartAsync(_haRaftStop.Token);
            }
            catch (RaftTransportException e)
            {
                await _listeners.DisposeAsync();
                await _northbound.DisposeAsync();
                await DisposeRaftTransportAsync();
                return await FailAsync(e.InnerException is System.Net.Sockets.SocketException ? NcsExitCode.BindFailed : NcsExitCode.BadConfiguration, $"HA Raft: {e.Message}");
            }
        }

        _northbound.StartSsh();
        await StartAsync(_listeners);
        if (_northbound.HaRaft is { } started && !_stop.Task.IsCompleted)
        {
            _haRaftLoop = started.RunAsync(_haRaftStop.Token);
        }

        var stop = await _stop.Task;
        return stop.Clean ? await StopCleanlyAsync(stop, _listeners) : StopAbruptly(stop);
    }

    /// <summary>Enters the run directory, reads ncs.conf, decides where IPC goes and opens the logs; an exit code when one fails.</summary>
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
            _startDelay = StartDelay.FromEnvironment(_getVariable);
        }
        catch (FormatException e)
        {
            _console.Error.WriteLine($"nso-sim: {e.Message}");
            return NcsExitCode.InternalError;
        }

        try
        {
            _conf = NcsConfParser.Load(_options.ConfFile, _runDirectory, _getVariable, _version);
            _ipc = IpcListenPlan.Resolve(_conf, _version, _getVariable);
            _logs = NcsLogs.Open(_conf.Logs, _options.Verbose, _options.NoLog, _console.Out, _time);
            return null;
        }
        catch (Exception e) when (e is NcsConfException or NcsLogOpenException)
        {
            _console.Error.WriteLine($"nso-sim: Bad configuration: {e.Message}");
            return NcsExitCode.BadConfiguration;
        }
    }

    /// <summary>
    /// Reads the access-check secret (docs/NSO-NOTES.md §4). A missing or unreadable file is a bad
    /// configuration (21); a file others may read only earns a warning, as the seed page asks for 0400.
    /// </summary>
    private int? AccessCheckError()
    {
        if (_conf.AccessCheck is not { Enabled: true, FileName: { } file })
        {
            return null;
        }

        byte[] secret;
        try
        {
            secret = IpcSecretFile.Read(file);
        }
        catch (IpcSecretFileException e)
        {
            var message = $"/ncs-config/ncs-ipc-access-check/filename {file}: cannot read the IPC access secret: {e.Message}; create the file (mode 0400) or fix the path in ncs.conf";
            _logs.Ncs.Error(message);
            _logs.Dispose();
            _console.Error.WriteLine($"nso-sim: Bad configuration: {message}");
            return NcsExitCode.BadConfiguration;
        }

        if (IpcSecretFile.ModeWarning(file) is { } warning)
        {
            _logs.Ncs.Warning(warning);
        }

        if (secret.Length == 0)
        {
            _logs.Ncs.Warning($"{file} is empty: any client can answer the IPC access challenge; write a random secret into it");
        }

        _accessCheck = new IpcAccessCheckOn(secret);
        _logs.Ncs.Info($"IPC access check is on: clients must answer a challenge with the secret in {file}");
        return null;
    }

    private async Task<int> FailAsync(int exitCode, string message)
    {
        _logs.Ncs.Error(message);
        _logs.Dispose();
        await _console.Error.WriteLineAsync("nso-sim: " + message);
        return exitCode;
    }

    private IpcConnectionHandler IpcHandler() =>
        new(new IpcSessionContext(_version, _accessCheck, new SimControlRequests(this), ReportProtocolError, ReportAccessRejected)
        {
            Time = _time,
            ReportUnserved = message => _logs.Ncs.Warning(message),

            // Not a line NSO writes: who stops an instance is what one asks first when it stopped unasked.
            ReportControlRequest = (request, peer) =>
            {
                if (request is "stop" or "reload")
                {
                    _logs.Ncs.Info($"nso-sim: --{request} requested over IPC from {peer}, {LoopbackPeerProcess.Describe(peer)}");
                }
            },
            ReportDevel = message => _logs.Devel.Info(message),
            NorthboundPort = NorthboundPort,
            CliAvailable = () => _state.Phase is DaemonPhase.Phase1 or DaemonPhase.Started,
        });

    /// <summary>The port a northbound listener is bound to (the real one, also when ncs.conf says 0), or null when it is off.</summary>
    private int? NorthboundPort(string name) =>
        _listeners?.Northbound.OfType<TcpServiceListener>().FirstOrDefault(l => l.Name == name)?.LocalEndPoint.Port;

    private async Task StartAsync(ListenerSet listeners)
    {
        // IPC opens first so that --wait-started sees the phases go by; users' ports open at "started".
        foreach (var listener in listeners.Ipc)
        {
            listener.StartAccepting();
        }

        _state.Advance(DaemonPhase.Phase0);
        await SpendInPhaseAsync();
        _state.Advance(DaemonPhase.Phase1);
        await SpendInPhaseAsync();
        if (_stop.Task.IsCompleted)
        {
            return;
        }

        foreach (var listener in listeners.All)
        {
            _logs.Ncs.Info($"Listening on {listener.Address} for {listener.Name} ({listener.ConfPath})");
        }

        foreach (var listener in listeners.Northbound)
        {
            listener.StartAccepting();
        }

        // Logged first, so that whoever sees "status: started" finds the line in ncs.log.
        _logs.Ncs.Info("Started");
        _state.Advance(DaemonPhase.Started);
        if (_options.StopOnEof)
        {
            EndOfInputWatch.Start(_console.OpenStdin(), () => RequestStop(StopRequest.ByEndOfInput));
        }
    }

    /// <summary>Half of <see cref="StartDelay"/>, cut short by a stop request.</summary>
    private async Task SpendInPhaseAsync()
    {
        if (_startDelay > TimeSpan.Zero && !_stop.Task.IsCompleted)
        {
            await Task.WhenAny(Task.Delay(_startDelay / 2, _time), _stop.Task);
        }
    }

    private async Task<int> StopCleanlyAsync(StopRequest stop, ListenerSet listeners)
    {
        _state.Advance(DaemonPhase.Stopping);
        _logs.Ncs.Info(stop.LogMessage);
        _logs.Audit.Info(stop.LogMessage);
        await StopHaRaftAsync();
        await listeners.CloseNorthboundAsync();
        if (_northbound is not null)
        {
            await _northbound.DisposeAsync();
        }

        _logs.Ncs.Info("Stopped");
        _logs.Dispose();

        // Last: a waiting `ncs --stop` returns when this closes its connection (and the socket file is gone).
        await listeners.CloseIpcAsync();
        return stop.ExitCode;
    }

    private int StopAbruptly(StopRequest stop)
    {
        _logs.Ncs.Critical(stop.LogMessage);
        _logs.Dispose();
        return stop.ExitCode;
    }

    private void ReportError(string message) => _logs.Ncs.Error(message);

    /// <summary>The HA Raft node on the daemon's datastore, with its TLS transport and raft.log; null when ha-raft is off.</summary>
    /// <exception cref="RaftTransportException">ERL_EPMD_PORT is not a port.</exception>
    /// <exception cref="IOException">raft.log or state/ha-raft.state cannot be opened.</exception>
    private HaRaftNode? CreateHaRaft(RunningDatastore datastore)
    {
        if (_conf.HaRaft is not { } raft)
        {
            return null;
        }

        _raftLog = NcsLog.Open(raft.Log, verbose: false, _console.Out, _time, _options.NoLog);
        var log = _raftLog;
        _raftTransport = new RaftTlsTransport(
            new RaftTransportOptions
            {
                ClusterName = raft.ClusterName,
                NodeAddress = raft.NodeAddress,
                ListenPort = raft.ListenPort,
                DistributionPorts = raft.DistributionPorts,
                Release = _version,
                KeyFile = raft.KeyFile,
                CertFile = raft.CertFile,
                CaCertFile = raft.CaCertFile,
                Log = log.Info,
            },
            RaftTransportSettings.FromEnvironment(_getVariable) with { Time = _time });
        return new HaRaftNode(_raftTransport, datastore, new HaRaftNodeOptions
        {
            Release = _version.Release,
            Tick = raft.TickTimeout,
            Passive = raft.Passive,
            StateFile = new RaftStateFile(Path.Combine(_conf.StateDir, RaftStateFile.FileName)),
            Time = _time,
            Log = log.Info,
            RoleChanged = OnRoleChanged,
        });
    }

    /// <summary>
    /// Binds the <c>ha-primary-listen</c> endpoints while this node leads and releases them when it stops leading
    /// (NSO-NOTES §17). Runs one at a time and reads the role when it runs, so a quick change back
    /// and forth ends in the right state.
    /// </summary>
    private async Task UpdatePrimaryListenAsync()
    {
        await _primaryListenGate.WaitAsync();
        try
        {
            var lead = _northbound?.HaRaft?.Role == RaftRole.Leader && _state.Phase is DaemonPhase.Started or DaemonPhase.Phase1 or DaemonPhase.Phase0 && !_haRaftStop.IsCancellationRequested;
            if (lead && _primaryListeners.Count == 0 && _northbound is { } northbound)
            {
                foreach (var conf in _conf.HaPrimaryListen.Where(l => l.Enabled))
                {
                    try
                    {
                        var listener = TcpServiceListener.Bind(conf, northbound.HandlerFor(conf), ReportError);
                        listener.StartAccepting();
                        _primaryListeners.Add(listener);
                        _logs.Ncs.Info($"Listening on {listener.Address} for {conf.Name} ({conf.ConfPath}): this node leads the HA Raft cluster");
                    }
                    catch (ListenerBindException e)
                    {
                        _logs.Ncs.Error($"{e.Message} (ha-primary-listen, bound only on the leader)");
                        _raftLog?.Error(e.Message);
                    }
                }
            }
            else if (!lead && _primaryListeners.Count > 0)
            {
                foreach (var listener in _primaryListeners)
                {
                    await listener.DisposeAsync();
                    _logs.Ncs.Info($"Stopped listening on {listener.Address} for {listener.Name} ({listener.ConfPath}): this node no longer leads");
                }

                _primaryListeners.Clear();
            }
        }
        finally
        {
            _primaryListenGate.Release();
        }
    }

    private void OnRoleChanged(RaftRole role)
    {
        _logs.Ncs.Info($"HA Raft: this node is now {HaRaftXml.RoleName(role)}");
        _ = UpdatePrimaryListenAsync();
    }

    private async Task StopHaRaftAsync()
    {
        if (_northbound?.HaRaft is null)
        {
            return;
        }

        await _haRaftStop.CancelAsync();
        await _haRaftLoop;
        await DisposeRaftTransportAsync();
        await UpdatePrimaryListenAsync();
        _raftLog?.Info("Stopped");
        _raftLog?.Dispose();
    }

    private async Task DisposeRaftTransportAsync()
    {
        if (_raftTransport is not null)
        {
            await _raftTransport.DisposeAsync();
        }
    }

    /// <summary>What NETCONF's /ncs-state and the CLI's show ncs-state report, read live from the daemon.</summary>
    private sealed class DaemonNcsState(NcsDaemon daemon) : INcsState
    {
        public string Version => daemon._version.ToString();

        public string DaemonStatus => DaemonState.StatusWord(daemon._state.Phase);

        public IReadOnlyList<NcsListenerState> Listeners =>
            (daemon._listeners?.All ?? []).Select(l => l.Transport == "tcp" && l.Address.LastIndexOf(':') is var colon and > 0
                    ? new NcsListenerState(l.Name, l.Address[..colon], int.Parse(l.Address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture))
                    : new NcsListenerState(l.Name, l.Address, 0))
                .ToList();
    }

    private void ReportProtocolError(string message)
    {
        _logs.Ncs.Error(message);
        _logs.Devel.Error(message);
    }

    /// <summary>ncs.log and audit.log; the rejection carries the reason, never the secret or the answer.</summary>
    private void ReportAccessRejected(IpcAccessRejection rejection)
    {
        _logs.Ncs.Warning(rejection.ToString());
        _logs.Audit.Warning(rejection.ToString());
    }
}
