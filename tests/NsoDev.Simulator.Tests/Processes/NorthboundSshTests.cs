using System.Xml;
using Renci.SshNet;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>
/// The daemon's NETCONF and CLI over SSH, driven by SSH.NET as a real client. SSH.NET speaks NETCONF
/// base 1.0 only, and every request here carries its own message-id.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class NorthboundSshTests : DaemonProcessTest
{
    private const string Base = "urn:ietf:params:xml:ns:netconf:base:1.0";

    public override async ValueTask InitializeAsync() => await StartAsync(TestContext.Current.CancellationToken);

    [Fact(Timeout = 60_000)]
    public Task Netconf_edit_config_then_get_config_round_trips_with_message_ids_echoed() => Task.Run(() =>
    {
        using var client = Netconf();

        var edit = client.SendReceiveRpc(Rpc("201", """<edit-config><target><running/></target><config><devices xmlns="http://tail-f.com/ns/ncs"><device><name>ce0</name><address>127.0.0.1</address></device></devices></config></edit-config>"""));
        var read = client.SendReceiveRpc(Rpc("202", "<get-config><source><running/></source></get-config>"));

        Assert.Equal("201", edit.DocumentElement!.GetAttribute("message-id"));
        Assert.NotNull(edit.GetElementsByTagName("ok", Base)[0]);
        Assert.Equal("202", read.DocumentElement!.GetAttribute("message-id"));
        Assert.Contains("<name>ce0</name>", read.OuterXml, StringComparison.Ordinal);
    }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 60_000)]
    public Task An_unknown_operation_gets_operation_not_supported_not_an_echo() => Task.Run(() =>
    {
        using var client = Netconf();

        var reply = client.SendReceiveRpc(Rpc("301", "<frobnicate/>"));

        Assert.Equal("301", reply.DocumentElement!.GetAttribute("message-id"));
        Assert.Equal("operation-not-supported", reply.GetElementsByTagName("error-tag", Base)[0]?.InnerText);
        Assert.DoesNotContain("<frobnicate", reply.OuterXml, StringComparison.Ordinal);
        Assert.NotNull(reply.GetElementsByTagName("rpc-error", Base)[0]);
    }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 60_000)]
    public Task Get_reports_ncs_state_with_the_version_and_status() => Task.Run(() =>
    {
        using var client = Netconf();

        var reply = client.SendReceiveRpc(Rpc("401", "<get/>"));

        Assert.Contains("ncs-state", reply.OuterXml, StringComparison.Ordinal);
        Assert.Contains("6.5", reply.OuterXml, StringComparison.Ordinal);
        Assert.Contains("started", reply.OuterXml, StringComparison.Ordinal);
    }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 60_000)]
    public async Task Configuration_survives_a_clean_restart_and_a_kill_9()
    {
        using (var client = Netconf())
        {
            client.SendReceiveRpc(Rpc("501", """<edit-config><target><running/></target><config><devices xmlns="http://tail-f.com/ns/ncs"><device><name>pe7</name></device></devices></config></edit-config>"""));
        }

        Daemon!.CloseStandardInput();
        Assert.Equal(0, await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken));
        await StartAsync(TestContext.Current.CancellationToken);
        using (var client = Netconf())
        {
            Assert.Contains("<name>pe7</name>", client.SendReceiveRpc(Rpc("502", "<get-config><source><running/></source></get-config>")).OuterXml, StringComparison.Ordinal);
        }

        await Daemon.KillAsync();
        await StartAsync(TestContext.Current.CancellationToken);
        using var after = Netconf();
        Assert.Contains("<name>pe7</name>", after.SendReceiveRpc(Rpc("503", "<get-config><source><running/></source></get-config>")).OuterXml, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public Task The_cli_runs_a_command_given_by_exec() => Task.Run(() =>
    {
        using var client = new SshClient("127.0.0.1", Run.CliPort, "admin", "admin");
        client.Connect();

        var state = client.RunCommand("show ncs-state");
        var unknown = client.RunCommand("no-such-command");

        Assert.Equal(0, state.ExitStatus);
        Assert.Contains("6.5", state.Result, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitStatus);
        Assert.Contains("syntax error", unknown.Result + unknown.Error, StringComparison.Ordinal);
    }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 60_000)]
    public Task Show_ncs_state_version_answers_as_nso_does_by_exec_and_in_the_shell() => Task.Run(() =>
    {
        using var client = new SshClient("127.0.0.1", Run.CliPort, "admin", "admin");
        client.Connect();

        // As NSO's own examples run it: ssh -p 2024 admin@localhost "show ncs-state version | nomore".
        var exec = client.RunCommand("show ncs-state version | nomore");
        Assert.Equal(0, exec.ExitStatus);
        Assert.Equal("ncs-state version 6.5\n", exec.Result);

        using var shell = client.CreateShellStream("xterm", 120, 40, 0, 0, 4096);
        Assert.NotNull(shell.Expect("admin@ncs# ", TimeSpan.FromSeconds(10)));
        shell.WriteLine("show ncs-state version");
        var screen = shell.Expect("admin@ncs# ", TimeSpan.FromSeconds(10));
        Assert.Contains("\r\nncs-state version 6.5\r\n", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("syntax error", screen, StringComparison.Ordinal);
        shell.WriteLine("exit");
    }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 60_000)]
    public Task The_cli_shell_prompts_like_nso_answers_and_ends_on_exit() => Task.Run(() =>
    {
        using var client = new SshClient("127.0.0.1", Run.CliPort, "admin", "admin");
        client.Connect();
        using var shell = client.CreateShellStream("xterm", 120, 40, 0, 0, 4096);

        Assert.NotNull(shell.Expect("admin@ncs# ", TimeSpan.FromSeconds(10)));
        shell.WriteLine("show running-config");
        Assert.NotNull(shell.Expect("admin@ncs# ", TimeSpan.FromSeconds(10)));
        shell.WriteLine("bogus");
        Assert.Contains("syntax error", shell.Expect("admin@ncs# ", TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        shell.WriteLine("exit");
    }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 60_000)]
    public Task A_wrong_password_is_refused_and_the_default_admin_is_accepted() => Task.Run(() =>
    {
        using var wrong = new SshClient("127.0.0.1", Run.CliPort, "admin", "nimda");
        Assert.ThrowsAny<Renci.SshNet.Common.SshAuthenticationException>(wrong.Connect);
    }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 60_000)]
    public async Task The_host_key_is_generated_once_in_the_key_directory_and_kept_across_restarts()
    {
        string First()
        {
            using var client = new SshClient("127.0.0.1", Run.CliPort, "admin", "admin");
            string? fingerprint = null;
            client.HostKeyReceived += (_, e) => fingerprint = e.FingerPrintSHA256;
            client.Connect();
            return fingerprint!;
        }

        var before = First();
        Daemon!.CloseStandardInput();
        await Daemon.WaitForExitAsync(ExitWait, TestContext.Current.CancellationToken);
        await StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(before, First());
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Run.Path, "ssh"), "ssh_host_*_key"));
    }

    private static XmlDocument Rpc(string messageId, string body)
    {
        var document = new XmlDocument();
        document.LoadXml($"<rpc message-id=\"{messageId}\" xmlns=\"{Base}\">{body}</rpc>");
        return document;
    }

    private NetConfClient Netconf()
    {
        // SSH.NET sometimes reads a server hello that arrives while it is still opening its side cut short
        // (NetConfServerException, "not well formed XML"); a new connection reads it whole.
        for (var attempt = 1; ; attempt++)
        {
            var client = new NetConfClient("127.0.0.1", Run.NetconfPort, "admin", "admin") { AutomaticMessageIdHandling = false };
            try
            {
                client.Connect();
                return client;
            }
            catch (Renci.SshNet.Common.NetConfServerException) when (attempt < 3)
            {
                client.Dispose();
            }
        }
    }
}
