using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using NsoDev.Simulator.Cli;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Daemon;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Logging;
using NsoDev.Simulator.Netconf;
using NsoDev.Simulator.Ssh;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Netsim;

/// <summary>
/// One simulated device, as ConfD plays one under ncs-netsim: <c>nso-sim netsim-device DEVICEDIR</c>.
/// It reads DEVICEDIR/confd.conf, binds its IPC, NETCONF-SSH and CLI-SSH ports, opens its datastore
/// in cdb/ (A.cdb, or on a first start the init XML there) and serves until a <c>stop</c> on IPC,
/// SIGTERM or SIGINT. Its first stdout line tells <see cref="DeviceLauncher"/> how the start went:
/// <c>started pid=N</c>, or <c>failed: REASON</c> (then it exits 20 for a busy port, 21 for a bad
/// configuration, as ConfD and NSO do); after that it writes only to its logs.
/// </summary>
internal sealed class DeviceDaemon : IAsyncDisposable
{
    public const string Verb = "netsim-device";
    public const string StartedLine = "started";
    public const string FailedLine = "failed: ";

    /// <summary>Completed with why the device stops, for its log.</summary>
    private readonly TaskCompletionSource<string> _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<TcpServiceListener> _listeners = [];
    private readonly List<SshServer> _sshServers = [];
    private readonly string _name;
    private NcsLogs? _logs;

    private DeviceDaemon(string name)
    {
        _name = name;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, NsoVersion version, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        if (args.Count != 1)
        {
            await stdout.WriteLineAsync(FailedLine + $"usage: nso-sim {Verb} DEVICEDIR (nso-sim netsim start runs this)");
            return NcsExitCode.InternalError;
        }

        var deviceDir = Path.GetFullPath(args[0]);
        await using var daemon = new DeviceDaemon(Path.GetFileName(deviceDir));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, daemon.OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, daemon.OnSignal);
        (int Code, string Problem)? failure = null;
        try
        {
            daemon.Start(deviceDir, version);
        }
        catch (Exception e) when (e is NetsimException or CdbLoadException or NcsLogOpenException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            failure = (NcsExitCode.BadConfiguration, e.Message);
        }
        catch (ListenerBindException e)
        {
            failure = (NcsExitCode.BindFailed, e.Message);
        }

        if (failure is { } failed)
        {
            daemon._logs?.Ncs.Error($"start failed: {failed.Problem}");
            await stdout.WriteLineAsync($"{FailedLine}{daemon._name}: {failed.Problem}");
            await stdout.FlushAsync();
            return failed.Code;
        }

        await stdout.WriteLineAsync($"{StartedLine} pid={Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        await stdout.FlushAsync();

        // The launcher closes its end of the pipes now; nothing may write to them again.
        Console.SetOut(TextWriter.Null);
        Console.SetError(TextWriter.Null);
        var reason = await daemon._stop.Task;
        daemon._logs?.Ncs.Info($"device {daemon._name} stopping ({reason})");
        return NcsExitCode.Ok;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync();
        }

        foreach (var server in _sshServers)
        {
            await server.DisposeAsync();
        }

        _logs?.Dispose();
    }

    private void Start(string deviceDir, NsoVersion version)
    {
        var conf = DeviceConf.Load(deviceDir);
        var logDir = Path.Combine(deviceDir, "logs");
        NcsLogConf Log(string file, string confPath) => new(true, true, Path.Combine(logDir, file), confPath);
        _logs = NcsLogs.Open(
            new NcsLogsConf(Log("confd.log", "logs/confdLog"), Log("devel.log", "logs/developerLog"), Log("audit.log", "logs/auditLog"), Log("netconf.log", "logs/netconfLog")),
            verbose: false,
            noFile: false,
            TextWriter.Null,
            TimeProvider.System);
        var datastore = RunningDatastore.Open(conf.DbDir);
        var listeners = new List<NcsListenerState>();
        var state = new DeviceState(version.Text, listeners);
        var northboundLog = new DeviceLog(_logs);

        // Everything is bound before anything is served, so a busy port fails the start as a whole.
        Bind(new ListenerConf("ipc", "confdIpcAddress", true, conf.Ipc.Address, conf.Ipc.Port), new DeviceControl(() => Status(listeners), () => _stop.TrySetResult("stop requested on its IPC port")));
        if (conf.NetconfSsh is { } netconf)
        {
            var server = NewSshServer(conf, datastore, new NetconfOverSsh(new NetconfServer(datastore, state, northboundLog)));
            Bind(new ListenerConf("netconf-ssh", "netconf/transport/ssh", true, netconf.Address, netconf.Port), new SshHandler(server));
        }

        if (conf.CliSsh is { } cli)
        {
            var server = NewSshServer(conf, datastore, new CliOverSsh(new CliShell(datastore, state, northboundLog), new CliExec(datastore, state, northboundLog)));
            Bind(new ListenerConf("cli-ssh", "cli/ssh", true, cli.Address, cli.Port), new SshHandler(server));
        }

        listeners.AddRange(_listeners.Select(l => new NcsListenerState(l.Name, l.LocalEndPoint.Address.ToString(), l.LocalEndPoint.Port)));
        foreach (var listener in _listeners)
        {
            listener.StartAccepting();
            _logs.Ncs.Info($"listening on {listener.Name} {listener.Address}");
        }

        _logs.Ncs.Info($"device {_name} started (nso-sim netsim device, pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)})");
    }

    private void Bind(ListenerConf conf, IConnectionHandler handler)
    {
        try
        {
            _listeners.Add(TcpServiceListener.Bind(conf, handler, message => _logs?.Ncs.Error(message)));
        }
        catch (ListenerBindException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } busy)
        {
            // The device's ports come from the network's bases, so the fix is there, not in confd.conf.
            throw new ListenerBindException(
                $"{conf.Name} port {conf.Port} ({conf.EndPoint}) is already in use; stop what holds it, or delete the network and create it again " +
                $"with free port ranges in {NetsimPorts.IpcVariable}, {NetsimPorts.NetconfSshVariable} and {NetsimPorts.CliSshVariable}",
                busy);
        }
    }

    private SshServer NewSshServer(DeviceConf conf, RunningDatastore datastore, ISshChannelHandlers handlers)
    {
        var server = new SshServer(new SshServerOptions
        {
            HostKeyDirectory = conf.SshKeyDir,
            CheckPassword = (user, password) => AaaUsers.Check(datastore.Current.Nodes, user, password),
            Handlers = handlers,
            Log = _logs!.Audit.Info,
        });
        _sshServers.Add(server);
        return server;
    }

    private string Status(IReadOnlyList<NcsListenerState> listeners)
    {
        var text = new StringBuilder()
            .Append("status: started\n")
            .Append(CultureInfo.InvariantCulture, $"pid: {Environment.ProcessId}\n")
            .Append(CultureInfo.InvariantCulture, $"name: {_name}\n")
            .Append("listen:\n");
        foreach (var listener in listeners)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {listener.Name}: tcp {listener.Address}:{listener.Port}\n");
        }

        return text.ToString();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.TrySetResult($"{context.Signal} received");
    }

    private sealed class DeviceState(string version, IReadOnlyList<NcsListenerState> listeners) : INcsState
    {
        public string Version { get; } = version;

        public string DaemonStatus => "started";

        public IReadOnlyList<NcsListenerState> Listeners { get; } = listeners;
    }

    private sealed class DeviceLog(NcsLogs logs) : INorthboundLog
    {
        public void Audit(string message) => logs.Audit.Info(message);

        public void Netconf(string message) => logs.Netconf.Info(message);
    }

    private sealed class SshHandler(SshServer server) : IConnectionHandler
    {
        public Task HandleAsync(Stream connection, CancellationToken cancellationToken) => server.HandleConnectionAsync(connection, null, cancellationToken);
    }
}
