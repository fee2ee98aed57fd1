using System.Xml.Linq;
using NsoDev.Simulator.Cli;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.DataStore;
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
    private readonly List<SshServer> _sshServers = [];
    private readonly NetconfServer _netconf;
    private readonly CliShell _shell;
    private readonly CliExec _exec;
    private readonly RunningDatastore _datastore;
    private readonly string _hostKeyDirectory;
    private readonly NcsLogs _logs;

    private NorthboundServices(RunningDatastore datastore, INcsState state, NcsLogs logs, string hostKeyDirectory)
    {
        _datastore = datastore;
        _logs = logs;
        _hostKeyDirectory = hostKeyDirectory;
        var log = new NorthboundLog(logs);
        _netconf = new NetconfServer(datastore, state, log);
        _shell = new CliShell(datastore, state, log);
        _exec = new CliExec(datastore, state, log);
    }

    /// <exception cref="CdbLoadException">cdb/db-dir cannot be loaded.</exception>
    public static NorthboundServices Open(NcsConf conf, INcsState state, NcsLogs logs)
    {
        ArgumentNullException.ThrowIfNull(conf);
        var datastore = RunningDatastore.Open(Path.GetFullPath(conf.CdbDbDir));
        var keyDirectory = Path.GetFullPath(conf.SshServerKeyDir is { Length: > 0 } dir ? dir : "./ssh");
        return new NorthboundServices(datastore, state, logs, keyDirectory);
    }

    /// <summary>The protocol for one northbound listener of ncs.conf.</summary>
    public IConnectionHandler HandlerFor(ListenerConf listener) => listener.Name switch
    {
        "netconf-ssh" => new SshConnectionHandler(NewSshServer(new NetconfOverSsh(_netconf))),
        "cli-ssh" => new SshConnectionHandler(NewSshServer(new CliOverSsh(_shell, _exec))),
        "netconf-tcp" => new NetconfOverTcp(_netconf),
        _ => ClosingConnectionHandler.Instance,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _sshServers)
        {
            await server.DisposeAsync();
        }
    }

    private SshServer NewSshServer(ISshChannelHandlers handlers)
    {
        var server = new SshServer(new SshServerOptions
        {
            HostKeyDirectory = _hostKeyDirectory,
            CheckPassword = (user, password) => AaaUsers.Check(_datastore.Current.Nodes, user, password),
            Handlers = handlers,
            Log = _logs.Audit.Info,
        });
        _sshServers.Add(server);
        return server;
    }

    private sealed class SshConnectionHandler(SshServer server) : IConnectionHandler
    {
        public Task HandleAsync(Stream connection, CancellationToken cancellationToken) => server.HandleConnectionAsync(connection, null, cancellationToken);
    }

    private sealed class NetconfOverTcp(NetconfServer netconf) : IConnectionHandler
    {
        // NETCONF over plain TCP is NSO's debugging transport: no authentication, so the session runs as admin.
        public Task HandleAsync(Stream connection, CancellationToken cancellationToken) => netconf.RunAsync(connection, "admin", cancellationToken);
    }

    private sealed class NetconfOverSsh(NetconfServer netconf) : ISshChannelHandlers
    {
        public Func<Stream, CancellationToken, Task<int>>? Subsystem(string name, SshSessionInfo session) =>
            name == "netconf" ? (channel, ct) => netconf.RunAsync(channel, session.User, ct) : null;

        public Func<Stream, CancellationToken, Task<int>>? Shell(SshSessionInfo session) => null;

        public Func<Stream, CancellationToken, Task<int>>? Exec(string command, SshSessionInfo session) => null;
    }

    private sealed class CliOverSsh(CliShell shell, CliExec exec) : ISshChannelHandlers
    {
        public Func<Stream, CancellationToken, Task<int>>? Subsystem(string name, SshSessionInfo session) => null;

        public Func<Stream, CancellationToken, Task<int>>? Shell(SshSessionInfo session) => (channel, ct) => shell.RunAsync(channel, session.User, ct);

        public Func<Stream, CancellationToken, Task<int>>? Exec(string command, SshSessionInfo session) => (channel, ct) => exec.RunAsync(command, channel, session.User, ct);
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
        var users = config
            .DescendantsAndSelf()
            .Where(e => e.Name.LocalName == "users" && e.Parent?.Name.LocalName == "authentication")
            .SelectMany(e => e.Elements().Where(u => u.Name.LocalName == "user"))
            .ToList();
        if (users.Count == 0)
        {
            return user == DefaultUser && password == DefaultPassword;
        }

        var entry = users.FirstOrDefault(u => u.Elements().FirstOrDefault(c => c.Name.LocalName == "name")?.Value == user);
        var stored = entry?.Elements().FirstOrDefault(c => c.Name.LocalName == "password")?.Value;
        return stored is not null && (stored == password || stored == "$0$" + password);
    }
}
