using System.Collections.Concurrent;
using System.Net;
using Renci.SshNet;

namespace NsoDev.Simulator.Ssh.Tests.Support;

/// <summary>An <see cref="SshServer"/> listening on 127.0.0.1 on a free port, with admin/admin as the only login.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string User = "admin";
    public const string Password = "admin";

    private TestServer(SshServer server, SshListener listener, int port, ConcurrentQueue<string> log)
    {
        Server = server;
        Listener = listener;
        Port = port;
        Log = log;
    }

    public SshServer Server { get; }

    public SshListener Listener { get; }

    public int Port { get; }

    public ConcurrentQueue<string> Log { get; }

    public static TestServer Start(TestHandlers handlers, string? hostKeyDirectory = null, Action<SshServerOptions>? configure = null)
    {
        var log = new ConcurrentQueue<string>();
        var options = Options(handlers, hostKeyDirectory ?? SharedHostKeys.Directory, log);
        configure?.Invoke(options);
        var server = new SshServer(options);
        var listener = new SshListener(server);
        var port = listener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        return new TestServer(server, listener, port, log);
    }

    public static SshServerOptions Options(ISshChannelHandlers handlers, string hostKeyDirectory, ConcurrentQueue<string> log) => new()
    {
        HostKeyDirectory = hostKeyDirectory,
        CheckPassword = (user, password) => user == User && password == Password,
        Handlers = handlers,
        Log = log.Enqueue,
    };

    public ConnectionInfo ConnectionInfo(string user = User, string password = Password) =>
        new("127.0.0.1", Port, user, new PasswordAuthenticationMethod(user, password)) { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>A connected SSH.NET client that trusts any host key, logged in as admin/admin.</summary>
    public Task<SshClient> ConnectAsync(CancellationToken cancellationToken) => ConnectAsync(null, cancellationToken);

    /// <summary>A connected SSH.NET client that trusts any host key.</summary>
    public async Task<SshClient> ConnectAsync(ConnectionInfo? info, CancellationToken cancellationToken)
    {
        var client = new SshClient(info ?? ConnectionInfo());
        await client.ConnectAsync(cancellationToken);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        await Server.DisposeAsync();
    }
}
