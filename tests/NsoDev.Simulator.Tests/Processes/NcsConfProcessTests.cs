using System.Globalization;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>
/// What the daemon makes of ncs.conf at start (docs/NSO-NOTES.md §1): <c>ncs.conf.d</c>
/// fragments, unknown elements, and where IPC goes per simulated version and environment.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class NcsConfProcessTests : DaemonProcessTest
{
    [Fact(Timeout = 90_000)]
    public async Task A_fragment_in_ncs_conf_d_moves_ipc_to_a_unix_socket_as_the_ha_raft_examples_do()
    {
        WriteFragment("ipc.conf", Run.LocalIpc);

        var status = await StartThenStatusAsync(null, Run.LocalClientEnvironment, TestContext.Current.CancellationToken);

        Assert.Contains($"  ipc: local {Run.SocketPath}\n", status, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_bad_fragment_fails_the_start_with_exit_21_naming_the_fragment_and_line()
    {
        var fragment = WriteFragment("50-cli.conf", "<cli>\n<ssh><port>x</port></ssh>\n</cli>");

        Daemon = NsoSimProcess.Start(Run.DaemonArgs);

        Assert.Equal(21, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Equal($"nso-sim: Bad configuration: {fragment}:3: /ncs-config/cli/ssh/port: \"x\" is not a port number (0..65535)\n", Daemon.Stderr);
    }

    [Fact(Timeout = 90_000)]
    public async Task An_unknown_element_fails_the_start_with_exit_21_naming_it_with_its_line()
    {
        Run.WriteConf("<webui><transport><tcp><prot>8080</prot></tcp></transport></webui>");

        Daemon = NsoSimProcess.Start(Run.DaemonArgs);

        Assert.Equal(21, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Equal(
            $"nso-sim: Bad configuration: {Run.ConfPath}:12: /ncs-config/webui/transport/tcp/prot: unknown element in NSO 6.5; no NSO release (6.1 to 6.7) has it in ncs.conf; check the name against ncs.conf(5) or remove it\n",
            Daemon.Stderr);
    }

    [Fact(Timeout = 90_000)]
    public async Task Ncs_local_ipc_is_an_unknown_element_for_nso_6_3()
    {
        Run.WriteConf("<ncs-local-ipc><enabled>false</enabled></ncs-local-ipc>");

        Daemon = NsoSimProcess.Start(Run.DaemonArgs, Version("6.3"));

        Assert.Equal(21, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Contains("/ncs-config/ncs-local-ipc: unknown element in NSO 6.3 (it came in 6.4)", Daemon.Stderr, StringComparison.Ordinal);
    }

    [Theory(Timeout = 90_000)]
    [InlineData("<snmp-agent><enabled>false</enabled><udp-port>4000</udp-port></snmp-agent>", "/ncs-config/snmp-agent", "6.5")]
    [InlineData("<show-log-directory>./logs</show-log-directory>", "/ncs-config/cli/show-log-directory", "6.2")]
    public async Task An_element_no_nso_6_release_has_fails_the_start_with_exit_21_naming_it_and_the_release(string element, string path, string version)
    {
        // The base file has a <cli>; a CLI element goes inside it.
        var conf = SimRunDirectory.NcsConf(Run.IpcPort, Run.NetconfPort, Run.CliPort, path.StartsWith("/ncs-config/cli/", StringComparison.Ordinal) ? string.Empty : element);
        File.WriteAllText(Run.ConfPath, path.StartsWith("/ncs-config/cli/", StringComparison.Ordinal) ? conf.Replace("<cli>", "<cli>" + element, StringComparison.Ordinal) : conf);

        Daemon = NsoSimProcess.Start(Run.DaemonArgs, Version(version));

        Assert.Equal(21, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        Assert.Contains($": {path}: unknown element in NSO {version}; no NSO release (6.1 to 6.7) has it in ncs.conf", Daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_release_nso_sim_cannot_simulate_is_refused_naming_those_it_can()
    {
        var result = await NsoSimProcess.RunAsync(["--version"], Version("6.8"), TestContext.Current.CancellationToken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("NSO_SIM_VERSION=\"6.8\": nso-sim simulates NSO 6.1, 6.2, 6.3, 6.4, 6.5, 6.6, 6.7", result.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task Nso_6_7_turns_local_ipc_on_when_ncs_conf_does_not_say()
    {
        // Only the path is given, so the 6.7 default decides; a 6.5 daemon would use TCP.
        Run.WriteConf($"<ncs-local-ipc><path>{Run.SocketPath}</path></ncs-local-ipc>");

        var status = await StartThenStatusAsync(Version("6.7"), Run.LocalClientEnvironment, TestContext.Current.CancellationToken);

        Assert.Contains($"  ipc: local {Run.SocketPath}\n", status, StringComparison.Ordinal);
    }

    [Theory(Timeout = 90_000)]
    [InlineData("6.5")]
    [InlineData("6.6")]
    [InlineData("6.7")]
    public async Task Ncs_ipc_path_in_the_daemons_environment_overrides_ncs_conf_from_6_5(string version)
    {
        var environment = new Dictionary<string, string>(Version(version)) { ["NCS_IPC_PATH"] = Run.SocketPath };

        var status = await StartThenStatusAsync(environment, Run.LocalClientEnvironment, TestContext.Current.CancellationToken);

        Assert.Contains($"  ipc: local {Run.SocketPath}\n", status, StringComparison.Ordinal);
        Assert.Contains($"for ipc (NCS_IPC_PATH)", Run.NcsLog, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task Ncs_ipc_path_in_the_daemons_environment_is_ignored_by_6_4()
    {
        var environment = new Dictionary<string, string>(Version("6.4")) { ["NCS_IPC_PATH"] = Run.SocketPath };

        var status = await StartThenStatusAsync(environment, new Dictionary<string, string>(Run.ClientEnvironment) { ["NSO_SIM_VERSION"] = "6.4" }, TestContext.Current.CancellationToken);

        Assert.Contains($"  ipc: tcp 127.0.0.1:{Run.IpcPort}\n", status, StringComparison.Ordinal);
        Assert.False(File.Exists(Run.SocketPath));
    }

    [Fact(Timeout = 90_000)]
    public async Task Ncs_ipc_port_in_the_daemons_environment_picks_tcp_ipc_in_6_7_whatever_ncs_conf_says()
    {
        Run.WriteConf(Run.LocalIpc);
        var port = FreePorts.One();
        var environment = new Dictionary<string, string>(Version("6.7")) { ["NCS_IPC_PORT"] = port.ToString(CultureInfo.InvariantCulture) };

        var client = new Dictionary<string, string>(Version("6.7")) { ["NCS_IPC_PORT"] = port.ToString(CultureInfo.InvariantCulture) };
        var status = await StartThenStatusAsync(environment, client, TestContext.Current.CancellationToken);

        Assert.Contains($"  ipc: tcp 127.0.0.1:{port}\n", status, StringComparison.Ordinal);
        Assert.False(File.Exists(Run.SocketPath));
    }

    private static Dictionary<string, string> Version(string version) => new() { ["NSO_SIM_VERSION"] = version };

    private string WriteFragment(string name, string body)
    {
        var directory = Path.Combine(Run.Path, "ncs.conf.d");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, name);
        File.WriteAllText(file, $"<ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config\">\n{body}\n</ncs-config>\n");
        return file;
    }

    private async Task<string> StartThenStatusAsync(IReadOnlyDictionary<string, string>? environment, IReadOnlyDictionary<string, string> client, CancellationToken cancellationToken)
    {
        await StartAsync(new SimDaemonOptions { Environment = environment, ClientEnvironment = client }, cancellationToken);
        var status = await NsoSimProcess.RunAsync(["--status"], client, cancellationToken);
        Assert.Equal(0, status.ExitCode);
        return status.Stdout;
    }
}
