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
    private TcpServiceListener? _listener;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }
    }

    [Fact(Timeout = 10000)]
    public async Task Status_prints_the_daemons_report()
    {
        var control = Listen();

        Assert.Equal(NcsExitCode.Ok, await control.StatusAsync(null));
        Assert.Equal("status: started\n", _stdout.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task Wait_started_polls_until_the_status_is_started()
    {
        _daemon.Phases.Enqueue("phase0");
        _daemon.Phases.Enqueue("phase1");
        var control = Listen();

        Assert.Equal(NcsExitCode.Ok, await control.WaitStartedAsync(TimeSpan.FromSeconds(5), null));
        Assert.Equal(3, _daemon.StatusRequests);
    }

    [Fact(Timeout = 10000)]
    public async Task Wait_started_exits_3_when_the_timeout_passes_first()
    {
        _daemon.Stuck = true;
        var control = Listen();

        Assert.Equal(NcsExitCode.Timeout, await control.WaitStartedAsync(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300)));
        Assert.Equal("timeout (wait-started)\n", _stderr.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task Wait_started_exits_2_when_nothing_answers_within_the_try_time()
    {
        var control = Commands(new IPEndPoint(IPAddress.Loopback, FreePorts.Take(1)[0]));

        Assert.Equal(NcsExitCode.NoConnection, await control.WaitStartedAsync(TimeSpan.FromMilliseconds(300), null));
        Assert.Equal("connection refused (wait-started)\n", _stderr.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task A_daemon_older_than_the_client_is_reported_as_incompatible()
    {
        var control = Listen(daemonVersion: NsoVersion.Parse("6.4"));

        Assert.Equal(NcsExitCode.InternalError, await control.StatusAsync(null));
        Assert.Equal("protocol version incompatible: this client speaks 85, the daemon 84 (status)\n", _stderr.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task Reload_prints_the_daemons_error_and_exits_1()
    {
        _daemon.ReloadReply = "error: ncs.conf:3: bad";
        var control = Listen();

        Assert.Equal(NcsExitCode.InternalError, await control.ReloadAsync(null));
        Assert.Equal("error: ncs.conf:3: bad\n", _stderr.ToString());
    }

    [Theory]
    [InlineData("vsn: 6.5\nstatus: phase1\nlisten:\n", "phase1")]
    [InlineData("status: started", "started")]
    [InlineData("vsn: 6.5\n", null)]
    public void The_status_word_is_read_from_the_status_line(string report, string? word) =>
        Assert.Equal(word, ControlCommands.StatusWord(report));

    private ControlCommands Listen(NsoVersion? daemonVersion = null)
    {
        var context = new IpcSessionContext(daemonVersion ?? Version, IpcAccessCheckOff.Instance, _daemon, _ => { });
        _listener = TcpServiceListener.Bind(
            new ListenerConf("ipc", "ncs-ipc-address", true, IPAddress.Loopback, 0),
            new IpcConnectionHandler(context),
            _ => { });
        _listener.StartAccepting();
        return Commands(_listener.LocalEndPoint);
    }

    private ControlCommands Commands(IPEndPoint daemon)
    {
        _stdout.NewLine = "\n";
        _stderr.NewLine = "\n";
        return new ControlCommands(Version, daemon, _stdout, _stderr, TimeProvider.System);
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
