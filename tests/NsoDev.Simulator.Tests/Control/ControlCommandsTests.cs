using System.Net;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Control;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Tests.Control;

/// <summary>
/// The control commands in-process, against a scripted daemon that speaks real IPC on a port
/// the OS picks.
/// </summary>
public sealed class ControlCommandsTests : IAsyncLifetime
{
    private static readonly NsoVersion Version = NsoVersion.Parse("6.5");

    private readonly ScriptedDaemon _daemon = new();
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();
    private static readonly byte[] Secret = "control-secret\n"u8.ToArray();

    private readonly string _socketDirectory = Directory.CreateTempSubdirectory("nso-sim-ctl-").FullName;
    private ServiceListener? _listener;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }

        Directory.Delete(_socketDirectory, recursive: true);
    }

    [Fact(Timeout = 10000)]
    public async Task Status_prints_the_daemons_report()
    {
        var control = Listen();

        Assert.Equal(NcsExitCode.Ok, await control.StatusAsync(null).WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal("status: started\n", _stdout.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task Wait_started_polls_until_the_status_is_started()
    {
        _daemon.Phases.Enqueue("phase0");
        _daemon.Phases.Enqueue("phase1");
        var control = Listen();

        Assert.Equal(NcsExitCode.Ok, await control.WaitStartedAsync(TimeSpan.FromSeconds(5), null).WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal(3, _daemon.StatusRequests);
    }

    [Fact(Timeout = 10000)]
    public async Task Wait_started_exits_3_when_the_timeout_passes_first()
    {
        _daemon.Stuck = true;
        var control = Listen();

        Assert.Equal(NcsExitCode.Timeout, await control.WaitStartedAsync(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300)).WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal("timeout (wait-started)\n", _stderr.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task Wait_started_exits_2_when_nothing_answers_within_the_try_time()
    {
        var control = Commands(new TcpIpcEndpoint(new IPEndPoint(IPAddress.Loopback, FreePorts.One())));

        Assert.Equal(NcsExitCode.NoConnection, await control.WaitStartedAsync(TimeSpan.FromMilliseconds(300), null).WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal("connection refused (wait-started)\n", _stderr.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task A_daemon_older_than_the_client_is_reported_as_incompatible()
    {
        var control = Listen(daemonVersion: NsoVersion.Parse("6.4"));

        Assert.Equal(NcsExitCode.InternalError, await control.StatusAsync(null).WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal("protocol version incompatible: this client speaks 85, the daemon 84 (status)\n", _stderr.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task Reload_prints_the_daemons_error_and_exits_1()
    {
        _daemon.ReloadReply = "error: ncs.conf:3: bad";
        var control = Listen();

        Assert.Equal(NcsExitCode.InternalError, await control.ReloadAsync(null).WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal("error: ncs.conf:3: bad\n", _stderr.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task Status_answers_the_access_challenge_with_the_secret_it_was_given()
    {
        var control = Listen(check: new IpcAccessCheckOn(Secret), secret: Secret);

        Assert.Equal(NcsExitCode.Ok, await control.StatusAsync(null).WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal("status: started\n", _stdout.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task Status_without_the_secret_prints_access_rejected_and_exits_1()
    {
        var control = Listen(check: new IpcAccessCheckOn(Secret));

        Assert.Equal(NcsExitCode.InternalError, await control.StatusAsync(null).WaitAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith("Access Rejected (status)\nnso-sim: the daemon answered the hello with byte 3", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Status_with_the_wrong_secret_prints_access_rejected_and_exits_1()
    {
        var control = Listen(check: new IpcAccessCheckOn(Secret), secret: "control-secret"u8.ToArray());

        Assert.Equal(NcsExitCode.InternalError, await control.StatusAsync(null).WaitAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith("Access Rejected (status)\nnso-sim: the daemon did not accept the answer to its challenge", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Wait_started_exits_1_not_2_when_the_daemon_is_there_but_rejects_it()
    {
        var control = Listen(check: new IpcAccessCheckOn(Secret));

        Assert.Equal(NcsExitCode.InternalError, await control.WaitStartedAsync(TimeSpan.FromSeconds(5), null).WaitAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith("Access Rejected (wait-started)\n", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Control_commands_work_over_a_unix_socket()
    {
        var endpoint = new LocalIpcEndpoint(Path.Combine(_socketDirectory, "sub", "nso-ipc"));
        var context = new IpcSessionContext(Version, new IpcAccessCheckOn(Secret), _daemon, _ => { });
        _listener = UnixSocketListener.Bind(endpoint, "ncs-local-ipc", new IpcConnectionHandler(context), _ => { }, _ => { });
        _listener.StartAccepting();

        Assert.Equal(NcsExitCode.Ok, await Commands(endpoint, Secret).StatusAsync(null).WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal("status: started\n", _stdout.ToString());
    }

    [Theory]
    [InlineData("vsn: 6.5\nstatus: phase1\nlisten:\n", "phase1")]
    [InlineData("status: started", "started")]
    [InlineData("vsn: 6.5\n", null)]
    public void The_status_word_is_read_from_the_status_line(string report, string? word) =>
        Assert.Equal(word, ControlCommands.StatusWord(report));

    private ControlCommands Listen(NsoVersion? daemonVersion = null, IIpcAccessCheck? check = null, byte[]? secret = null)
    {
        var context = new IpcSessionContext(daemonVersion ?? Version, check ?? IpcAccessCheckOff.Instance, _daemon, _ => { });
        var listener = TcpServiceListener.Bind(
            new ListenerConf("ipc", "ncs-ipc-address", true, IPAddress.Loopback, 0),
            new IpcConnectionHandler(context),
            _ => { });
        _listener = listener;
        listener.StartAccepting();
        return Commands(new TcpIpcEndpoint(listener.LocalEndPoint), secret);
    }

    private ControlCommands Commands(IpcEndpoint daemon, byte[]? secret = null)
    {
        _stdout.NewLine = "\n";
        _stderr.NewLine = "\n";
        return new ControlCommands(Version, daemon, secret, _stdout, _stderr, TimeProvider.System);
    }

    private sealed class ScriptedDaemon : ISimControl
    {
        public Queue<string> Phases { get; } = new();

        public bool Stuck { get; set; }

        public string ReloadReply { get; set; } = "ok";

        public int StatusRequests { get; private set; }

        public ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken)
        {
            if (request == "reload")
            {
                return ValueTask.FromResult(ReloadReply);
            }

            StatusRequests++;
            var phase = Stuck ? "phase1" : Phases.TryDequeue(out var next) ? next : "started";
            return ValueTask.FromResult($"status: {phase}\n");
        }
    }
}
