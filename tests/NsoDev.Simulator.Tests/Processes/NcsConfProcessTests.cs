using System.Globalization;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>
/// What the daemon makes of ncs.conf at start (NSO-FACTS section 1): <c>ncs.conf.d</c>
/// fragments, unknown elements, and where IPC goes per simulated version and environment.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class NcsConfProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    private readonly SimRunDirectory _run = new();
    private NsoSimProcess? _daemon;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        _run.Dispose();
    }

    [Fact(Timeout = 30000)]
    public async Task A_fragment_in_ncs_conf_d_moves_ipc_to_a_unix_socket_as_the_ha_raft_examples_do()
    {
        WriteFragment("ipc.conf", _run.LocalIpc);

        _daemon = NsoSimProcess.Start(_run.DaemonArgs);
        var status = await WaitThenStatusAsync(_run.LocalClientEnvironment);

        Assert.Contains($"  ipc: local {_run.SocketPath}\n", status, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task A_bad_fragment_fails_the_start_with_exit_21_naming_the_fragment_and_line()
    {
        var fragment = WriteFragment("50-cli.conf", "<cli>\n<ssh><port>x</port></ssh>\n</cli>");

        _daemon = NsoSimProcess.Start(_run.DaemonArgs);

        Assert.Equal(21, await _daemon.WaitForExitAsync(ExitWait));
        Assert.Equal($"nso-sim: Bad configuration: {fragment}:3: /ncs-config/cli/ssh/port: \"x\" is not a port number (0..65535)\n", _daemon.Stderr);
    }

    [Fact(Timeout = 30000)]
    public async Task An_unknown_element_fails_the_start_with_exit_21_naming_it_with_its_line()
    {
        _run.WriteConf("<webui><transport><tcp><prot>8080</prot></tcp></transport></webui>");

        _daemon = NsoSimProcess.Start(_run.DaemonArgs);

        Assert.Equal(21, await _daemon.WaitForExitAsync(ExitWait));
        Assert.Equal(
            $"nso-sim: Bad configuration: {_run.ConfPath}:12: /ncs-config/webui/transport/tcp/prot: unknown element; check the name against ncs.conf(5) or remove it\n",
            _daemon.Stderr);
    }

    [Fact(Timeout = 30000)]
    public async Task Ncs_local_ipc_is_an_unknown_element_for_nso_6_2()
    {
        _run.WriteConf("<ncs-local-ipc><enabled>false</enabled></ncs-local-ipc>");

        _daemon = NsoSimProcess.Start(_run.DaemonArgs, Version("6.2"));

        Assert.Equal(21, await _daemon.WaitForExitAsync(ExitWait));
        Assert.Contains("/ncs-config/ncs-local-ipc: unknown element in NSO 6.2 (it came in 6.3)", _daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task Nso_6_7_turns_local_ipc_on_when_ncs_conf_does_not_say()
    {
        // Only the path is given, so the 6.7 default decides; a 6.5 daemon would use TCP.
        _run.WriteConf($"<ncs-local-ipc><path>{_run.SocketPath}</path></ncs-local-ipc>");

        _daemon = NsoSimProcess.Start(_run.DaemonArgs, Version("6.7"));
        var status = await WaitThenStatusAsync(_run.LocalClientEnvironment);

        Assert.Contains($"  ipc: local {_run.SocketPath}\n", status, StringComparison.Ordinal);
    }

    [Theory(Timeout = 30000)]
    [InlineData("6.5")]
    [InlineData("6.6")]
    [InlineData("6.7")]
    public async Task Ncs_ipc_path_in_the_daemons_environment_overrides_ncs_conf_from_6_5(string version)
    {
        var environment = new Dictionary<string, string>(Version(version)) { ["NCS_IPC_PATH"] = _run.SocketPath };

        _daemon = NsoSimProcess.Start(_run.DaemonArgs, environment);
        var status = await WaitThenStatusAsync(_run.LocalClientEnvironment);

        Assert.Contains($"  ipc: local {_run.SocketPath}\n", status, StringComparison.Ordinal);
        Assert.Contains($"for ipc (NCS_IPC_PATH)", _run.NcsLog, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task Ncs_ipc_path_in_the_daemons_environment_is_ignored_by_6_4()
    {
        var environment = new Dictionary<string, string>(Version("6.4")) { ["NCS_IPC_PATH"] = _run.SocketPath };

        _daemon = NsoSimProcess.Start(_run.DaemonArgs, environment);
        var status = await WaitThenStatusAsync(new Dictionary<string, string>(_run.ClientEnvironment) { ["NSO_SIM_VERSION"] = "6.4" });

        Assert.Contains($"  ipc: tcp 127.0.0.1:{_run.IpcPort}\n", status, StringComparison.Ordinal);
        Assert.False(File.Exists(_run.SocketPath));
    }

    [Fact(Timeout = 30000)]
    public async Task Ncs_ipc_port_in_the_daemons_environment_picks_tcp_ipc_in_6_7_whatever_ncs_conf_says()
    {
        _run.WriteConf(_run.LocalIpc);
        var port = FreePorts.Take(1)[0];
        var environment = new Dictionary<string, string>(Version("6.7")) { ["NCS_IPC_PORT"] = port.ToString(CultureInfo.InvariantCulture) };

        _daemon = NsoSimProcess.Start(_run.DaemonArgs, environment);
        var client = new Dictionary<string, string>(Version("6.7")) { ["NCS_IPC_PORT"] = port.ToString(CultureInfo.InvariantCulture) };
        var status = await WaitThenStatusAsync(client);

        Assert.Contains($"  ipc: tcp 127.0.0.1:{port}\n", status, StringComparison.Ordinal);
        Assert.False(File.Exists(_run.SocketPath));
    }

    private static Dictionary<string, string> Version(string version) => new() { ["NSO_SIM_VERSION"] = version };

    private string WriteFragment(string name, string body)
    {
        var directory = Path.Combine(_run.Path, "ncs.conf.d");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, name);
        File.WriteAllText(file, $"<ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config\">\n{body}\n</ncs-config>\n");
        return file;
    }

    private async Task<string> WaitThenStatusAsync(IReadOnlyDictionary<string, string> client)
    {
        var wait = await NsoSimProcess.RunAsync(["--wait-started", "5"], client);
        Assert.True(wait.ExitCode == 0, $"--wait-started exited {wait.ExitCode}: {wait.Stderr}; daemon stderr: {_daemon!.Stderr}");
        var status = await NsoSimProcess.RunAsync(["--status"], client);
        Assert.Equal(0, status.ExitCode);
        return status.Stdout;
    }
}
