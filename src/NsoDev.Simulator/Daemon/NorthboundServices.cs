using System.Xml.Linq;
using NsoDev.Simulator.Cli;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Devices;
using NsoDev.Simulator.HaRaft;
using NsoDev.Simulator.Logging;
using NsoDev.Simulator.Netconf;
using NsoDev.Simulator.Ssh;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// What users connect to: NETCONF over SSH (and plain TCP when enabled) and the CLI over SSH, all on one
/// running datastore in cdb/db-dir. Each SSH port has its own server so NETCONF's port offers only the
/// netconf subsystem and the CLI's port only a shell and exec, as NSO does.
/// </summary>
internal sealed class NorthboundServices : IAsyncDisposable
{
    private readonly Dictionary<string, SshServer> _sshServers = [];
    private Task? _sshReady;
    private readonly NetconfServer _netconf;
    private readonly CliShell _shell;
    private readonly CliExec _exec;
    private readonly RunningDatastore _datastore;
    private readonly string _hostKeyDirectory;
    private readonly NcsLogs _logs;

    private readonly CliCommands _ipcCli;
    private readonly NorthboundLog _log;

    private NorthboundServices(RunningDatastore datastore, INcsState state, NcsLogs logs, string hostKeyDirectory, IReadOnlyList<string> loadPath, HaRaftNode? haRaft, TimeSpan replicationTimeout)
    {
        _datastore = datastore;
        _logs = logs;
        _hostKeyDirectory = hostKeyDirectory;
        HaRaft = haRaft;
        var log = new NorthboundLog(logs);
        _log = log;

        // nso-sim as NSO's device manager: the actions, and a commit under /devices/device/config pushed to the device.
        var devices = new DeviceManager(datastore, log, loadPath);
        var push = new DeviceCommitPush(log);

        // With HA Raft on, a follower refuses every commit, and the leader's reach a majority before they count.
        datastore.Participant = haRaft is null ? push : new HaRaftCommitGate(haRaft, push, replicationTimeout);
        _netconf = new NetconfServer(datastore, state, log) { Devices = devices, HaRaft = haRaft };
        _shell = new CliShell(datastore, state, log, devices, haRaft);
        _exec = new CliExec(datastore, state, log, devices, haRaft);
        _ipcCli = new CliCommands(datastore, state, devices, haRaft);
    }

    /// <summary>The node's HA Raft, when ncs.conf turns it on.</summary>
    public HaRaftNode? HaRaft { get; }

    /// <exception cref="CdbLoadException">cdb/db-dir cannot be loaded.</exception>
    /// <param name="conf">ncs.conf.</param>
    /// <param name="state">What /ncs-state shows.</param>
    /// <param name="logs">The daemon's logs.</param>
    /// <param name="haRaft">Makes the HA Raft node on the datastore when ncs.conf enables ha-raft.</param>
    public static NorthboundServices Open(NcsConf conf, INcsState state, NcsLogs logs, Func<RunningDatastore, HaRaftNode?>? haRaft = null)
    {
        ArgumentNullException.ThrowIfNull(conf);
        var datastore = RunningDatastore.Open(Path.GetFullPath(conf.CdbDbDir), conf.CdbInitPath);
        var keyDirectory = Path.GetFullPath(conf.SshServerKeyDir is { Length: > 0 } dir ? dir : "./ssh");
        var replicationTimeout = (conf.HaRaft?.TickTimeout ?? TimeSpan.FromSeconds(1)) * 3;
        return new NorthboundServices(datastore, state, logs, keyDirectory, [.. conf.LoadPath.Select(Path.GetFullPath)], haRaft?.Invoke(datastore), replicationTimeout);
    }

    /// <summary>One line of <c>ncs_cli</c>'s input, run as <paramref name="user"/> in the C-style CLI.</summary>
    public CliOutcome RunCliLine(string user, string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _log.Audit($"user: {user} CLI (ncs_cli) '{line.Trim()}'");
        return _ipcCli.Run(line, 0, user);
    }

    /// <summary>The protocol for one northbound listener of ncs.conf.</summary>
    public IConnectionHandler HandlerFor(ListenerConf listener) => listener.Name switch
    {
        "netconf-ssh" or "cli-ssh" => new SshConnectionHandler(this, listener.Name),
        "netconf-tcp" => new NetconfOverTcp(_netconf),
        _ => ClosingConnectionHandler.Instance,
    };

    /// <summary>
    /// Loads or generates the SSH host keys in the background. A first start generates an RSA-3072
    /// key, which can take a second on a busy machine; IPC is served meanwhile, so `ncs --wait-started`
    /// connects at once, and an SSH client that comes early just waits for the keys.
    /// </summary>
    public void StartSsh() => _sshReady = Task.Run(() =>
    {
        // One after the other: both servers share the key directory, and the first one writes it.
        _sshServers["netconf-ssh"] = NewSshServer(new NetconfOverSsh(_netconf));
        _sshServers["cli-ssh"] = NewSshServer(new CliOverSsh(_shell, _exec));
    });

    public async ValueTask DisposeAsync()
    {
        if (_sshReady is not null)
        {
            await _sshReady.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (var server in _sshServers.Values)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<SshServer> SshServerAsync(string listenerName)
    {
        await (_sshReady ?? throw new InvalidOperationException("SSH was not started."));
        return _sshServers[listenerName];
    }

    private SshServer NewSshServer(ISshChannelHandlers handlers) => new(new SshServerOptions
    {
        HostKeyDirectory = _hostKeyDirectory,
        CheckPassword = (user, password) => AaaUsers.Check(_datastore.Current.Nodes, user, password),
        Handlers = handlers,
        Log = _logs.Audit.Info,
    });

    private sealed class SshConnectionHandler(NorthboundServices services, string listenerName) : IConnectionHandler
    {
        public async Task HandleAsync(Stream connection, CancellationToken cancellationToken)
        {
            SshServer server;
            try
            {
                server = await services.SshServerAsync(listenerName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                services._logs.Ncs.Error($"{listenerName}: no SSH host keys in {services._hostKeyDirectory}: {e.Message}");
                return;
            }

            await server.HandleConnectionAsync(connection, null, cancellationToken);
        }
    }

    private sealed class NetconfOverTcp(NetconfServer netconf) : IConnectionHandler
    {
        // NETCONF over plain TCP is NSO's debugging transport: no authentication, so the session runs as admin.
        public Task HandleAsync(Stream connection, CancellationToken cancellationToken) => netconf.RunAsync(connection, "admin", cancellationToken);
    }

    private sealed class NorthboundLog(NcsLogs logs) : INorthboundLog
    {
        public void Audit(string message) => logs.Audit.Info(message);

        public void Netconf(string message) => logs.Netconf.Info(message);
    }
}

/// <summary>
/// Password check against the users in the running configuration's AAA data
/// (<c>/aaa/authentication/users/user[name]/password</c>), with NSO's example default admin/admin
/// while no user is configured. Passwords are compared as stored, plain or as <c>$0$plain</c>.
/// </summary>
internal static class AaaUsers
{
    public const string DefaultUser = "admin";
    public const string DefaultPassword = "admin";

    public static bool Check(IEnumerable<XElement> config, string user, string password)
    {
        var stored = StoredPassword(config, user);
        return stored is not null && (stored == password || stored == "$0$" + password);
    }

    /// <summary>
    /// The user's password as it is stored (plain or <c>$0$plain</c>), or null when the user has none: what an
    /// authgroup's <c>same-pass</c> gives (NSO uses the password of the user's login; nso-sim, which checks logins
    /// against these same entries, reads it back from them).
    /// </summary>
    public static string? PasswordOf(IEnumerable<XElement> config, string user) => StoredPassword(config, user);

    private static string? StoredPassword(IEnumerable<XElement> config, string user)
    {
        var users = config
            .DescendantsAndSelf()
            .Where(e => e.Name.LocalName == "users" && e.Parent?.Name.LocalName == "authentication")
            .SelectMany(e => e.Elements().Where(u => u.Name.LocalName == "user"))
            .ToList();
        if (users.Count == 0)
        {
            return user == DefaultUser ? DefaultPassword : null;
        }

        var entry = users.FirstOrDefault(u => u.Elements().FirstOrDefault(c => c.Name.LocalName == "name")?.Value == user);
        return entry?.Elements().FirstOrDefault(c => c.Name.LocalName == "password")?.Value;
    }
}
