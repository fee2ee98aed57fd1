using System.Collections.Concurrent;
using System.Net;
using NsoDev.Simulator.Cli;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Control;
using NsoDev.Simulator.Daemon;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Tests.Control;

/// <summary><c>nso-sim ncs_cli</c>: its command line, and its stdin loop against a daemon's real IPC end in this process.</summary>
public sealed class NcsCliTests : IAsyncLifetime
{
    private static readonly NsoVersion Version = NsoVersion.Parse("6.5");
    private static readonly byte[] Secret = "cli-secret\n"u8.ToArray();

    private readonly ScriptedCli _daemon = new();
    private readonly StringWriter _stdout = new() { NewLine = "\n" };
    private readonly StringWriter _stderr = new() { NewLine = "\n" };
    private TcpServiceListener? _listener;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }
    }

    [Fact]
    public void The_examples_bundled_flags_read_as_getopt_reads_them()
    {
        var line = NcsCliCommandLine.Parse(["-nsCu", "admin", "-g", "admin"]);

        Assert.True(line.Interactive);
        Assert.True(line.StopOnError);
        Assert.False(line.JuniperStyle);
        Assert.Equal("admin", line.User);
        Assert.Equal(["admin"], line.Groups);
    }

    [Fact]
    public void Separate_flags_glued_values_and_long_options_mean_the_same()
    {
        var glued = NcsCliCommandLine.Parse(["-n", "-s", "-J", "-uoper", "-goper,ncsadmin", "-P", "4571", "-A", "127.0.0.1"]);
        var longForm = NcsCliCommandLine.Parse(["--interactive", "--stop-on-error", "--user=oper", "--groups", "oper,ncsadmin", "--port", "4571", "--address", "127.0.0.1", "-J"]);

        Assert.Equal(glued with { Groups = [] }, longForm with { Groups = [] });
        Assert.Equal(glued.Groups, longForm.Groups);
        Assert.Equal(["oper", "ncsadmin"], glued.Groups);
        Assert.Equal(4571, glued.Port);
        Assert.True(glued.JuniperStyle);
    }

    [Theory]
    [InlineData("-x", "unknown option -x")]
    [InlineData("--frobnicate", "unknown option --frobnicate")]
    [InlineData("-u", "option -u needs a value")]
    [InlineData("-Pabc", "-P abc: not a port number")]
    public void Bad_arguments_name_the_problem(string argument, string problem)
    {
        var error = Assert.Throws<NcsUsageException>(() => NcsCliCommandLine.Parse([argument]));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_win_over_the_NCS_IPC_variables_and_a_socket_path_over_an_address()
    {
        var environment = new Dictionary<string, string> { ["NCS_IPC_PORT"] = "4999", ["NCS_IPC_PATH"] = "/tmp/nso/ipc9" };
        var command = new NcsCliCommand(Version, v => environment.GetValueOrDefault(v), TextReader.Null, _stdout, _stderr);

        Assert.Equal("local /tmp/nso/ipc9", command.Endpoint(NcsCliCommandLine.Parse([])).ToString());
        Assert.Equal("local /tmp/nso/ipc1", command.Endpoint(NcsCliCommandLine.Parse(["-S", "/tmp/nso/ipc1"])).ToString());
        Assert.Equal("tcp 127.0.0.1:4571", command.Endpoint(NcsCliCommandLine.Parse(["-P", "4571"])).ToString());
        environment.Remove("NCS_IPC_PATH");
        Assert.Equal("tcp 127.0.0.1:4999", command.Endpoint(NcsCliCommandLine.Parse([])).ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task Each_line_runs_in_the_daemons_cli_as_the_user_and_its_output_is_printed()
    {
        var port = Listen();

        var exit = await RunAsync(["-Cu", "oper", "-P", port], "show ha-raft status role\n\nshow ncs-state version\n", TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Equal([("oper", "show ha-raft status role"), ("oper", "show ncs-state version")], _daemon.Lines);
        Assert.Equal("output of show ha-raft status role\noutput of show ncs-state version\n", _stdout.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task With_s_it_stops_at_the_first_error_with_exit_code_8()
    {
        var port = Listen();

        var exit = await RunAsync(["-nsCu", "admin", "-g", "admin", "-P", port], "show ha-raft\nbad command\nshow ncs-state\n", TestContext.Current.CancellationToken);

        Assert.Equal(8, exit);
        Assert.Equal(["show ha-raft", "bad command"], _daemon.Lines.Select(l => l.Line));
        Assert.Contains("admin@ncs# bad command\nsyntax error: unknown command\n", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Without_s_it_goes_on_after_an_error_and_exits_0()
    {
        var port = Listen();

        var exit = await RunAsync(["-P", port], "bad command\nshow ncs-state\n", TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Equal(2, _daemon.Lines.Count);
    }

    [Fact(Timeout = 10000)]
    public async Task A_closed_stdin_ends_it_at_once()
    {
        var port = Listen();

        Assert.Equal(0, await RunAsync(["-nsCu", "admin", "-P", port], string.Empty, TestContext.Current.CancellationToken));
        Assert.Empty(_daemon.Lines);
    }

    [Fact(Timeout = 10000)]
    public async Task Exit_ends_the_input_and_J_style_requests_lose_their_request_word()
    {
        var port = Listen();

        await RunAsync(["-J", "-P", port], "request ha-raft handover\nexit\nshow ncs-state\n", TestContext.Current.CancellationToken);

        Assert.Equal(["ha-raft handover"], _daemon.Lines.Select(l => l.Line));
    }

    [Fact(Timeout = 10000)]
    public async Task The_access_check_is_kept_a_wrong_secret_is_rejected_and_the_right_one_served()
    {
        var port = Listen(new IpcAccessCheckOn(Secret));

        var rejected = await RunAsync(["-P", port], "show ncs-state\n", TestContext.Current.CancellationToken, "wrong\n"u8.ToArray());
        Assert.Equal(1, rejected);
        Assert.Contains("Access Rejected", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(_daemon.Lines);

        Assert.Equal(0, await RunAsync(["-P", port], "show ncs-state\n", TestContext.Current.CancellationToken, Secret));
        Assert.Single(_daemon.Lines);
    }

    [Fact(Timeout = 10000)]
    public async Task No_daemon_is_exit_1_with_where_it_looked()
    {
        var port = FreePorts.One();

        var exit = await RunAsync(["-P", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], "show ncs-state\n", TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Contains($"cannot connect to the daemon at tcp 127.0.0.1:{port}", _stderr.ToString(), StringComparison.Ordinal);
    }

    private Task<int> RunAsync(string[] args, string input, CancellationToken cancellationToken, byte[]? secret = null) =>
        new NcsCliCommand(Version, _ => null, new StringReader(input), _stdout, _stderr).RunAsync(NcsCliCommandLine.Parse(args), secret, cancellationToken);

    private string Listen(IIpcAccessCheck? check = null)
    {
        var context = new IpcSessionContext(Version, check ?? IpcAccessCheckOff.Instance, new SimControlRequests(_daemon), _ => { });
        _listener = TcpServiceListener.Bind(new ListenerConf("ipc", "ncs-ipc-address", true, IPAddress.Loopback, 0), new IpcConnectionHandler(context), _ => { });
        _listener.StartAccepting();
        return _listener.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A daemon whose CLI knows every command but <c>bad command</c>.</summary>
    private sealed class ScriptedCli : IControlledDaemon
    {
        private readonly ConcurrentQueue<(string User, string Line)> _lines = new();

        public List<(string User, string Line)> Lines => [.. _lines];

        public string Status() => "status: started\n";

        public void RequestStop(StopRequest request)
        {
        }

        public string? Reload() => null;

        public CliOutcome? RunCli(string user, string line)
        {
            _lines.Enqueue((user, line));
            return line == "bad command"
                ? new CliOutcome(["syntax error: unknown command"], Failed: true)
                : new CliOutcome(["output of " + line]);
        }
    }
}
