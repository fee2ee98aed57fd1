using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace NsoDev.EndToEnd.Tests;

/// <summary>
/// Bad input, one row per case (README, "Bad input"): each gets an error that names the problem and
/// the fix, and leaves no daemon of the run behind.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private static readonly string Template = Path.Combine(AppContext.BaseDirectory, "instance-templates", "default", "6.5", "ncs.conf");
    private static readonly string LocalIpcTemplate = Path.Combine(AppContext.BaseDirectory, "instance-templates", "local-ipc");
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-bad-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    /// <summary>The case, what the message must say, and how to provoke it.</summary>
    private static readonly Dictionary<string, (string[] Expected, Func<string, CancellationToken, Task<string>> Provoke)> Cases = new()
    {
        ["invalid name"] = (["nso_1"], (_, _) => Declare(b => b.AddNso(string.Concat("nso", "_1")))),
        ["duplicate name"] = (["nso-1", "already exists"], (_, _) => Declare(b => { b.AddNso("nso-1"); b.AddNso("nso-1"); })),
        ["port 0"] = (["Port 0", "not a TCP port", "from 1 to 65535"], (_, _) => Declare(b => b.AddNso("nso-1").WithTcpIpc(0))),
        ["port 70000"] = (["Port 70000", "not a TCP port", "from 1 to 65535"], (_, _) => Declare(b => b.AddNso("nso-1").WithNetconf(70000))),
        ["reserved port"] = (["Port 4570", "reserved for NSO", "Choose another port"], (_, _) => Declare(b => b.AddNso("nso-1").WithCli(4570))),
        ["one explicit port on two instances"] = (["Port 30123 is given to both 'a' netconf and 'b' cli", "Give each its own port"], (_, _) => Declare(b => { b.AddNso("a").WithNetconf(30123); b.AddNso("b").WithCli(30123); })),
        ["both IPC modes"] = (["one IPC mode", "Remove WithTcpIpc() or WithUnixSocketIpc()"], (_, _) => Declare(b => b.AddNso("nso-1").WithTcpIpc().WithUnixSocketIpc())),
        ["non-loopback IPC without the access check"] = (["10.0.0.1", "unauthenticated clients", "Add WithIpcAccessCheck() to it"], (root, ct) => FailureAtStartAsync(root, b => b.AddNso("nso-1").RunAsSimulator().WithTcpIpc(address: "10.0.0.1"), ct)),
        ["a second instance's plain variables for one client"] = (["already gets NCS_IPC_* from NSO instance 'a'", "WithReference(c, ncsIpcVariables: false)", "ConnectionStrings__c"], (_, _) => Declare(b => { var a = b.AddNso("a"); var c = b.AddNso("c"); b.AddExecutable("x", "sh", ".").WithReference(a).WithReference(c); })),
        ["unix socket path over 107 bytes"] = (["must fit in 107 bytes", "Choose a shorter path"], (_, _) => Declare(b => b.AddNso("nso-1").WithUnixSocketIpc("/tmp/" + new string('x', 120)))),
        ["missing template"] = (["/nonexistent/ncs.conf", "does not exist"], (_, _) => Declare(b => b.AddNso("nso-1").WithTemplate("/nonexistent/ncs.conf"))),
        ["missing package directory"] = (["/nonexistent/router-nc", "does not exist", "Pass existing package directories"], (_, _) => Declare(b => b.AddNso("nso-1").WithPackages("/nonexistent/router-nc"))),
        ["busy explicit port"] = (["is in use by another process", "ss -ltnp", "choose another port"], StartWithBusyPortAsync),
        ["template that is not an ncs-config"] = (["is not an ncs.conf", "Choose an ncs.conf made by ncs-setup"], (root, ct) => StartWithTemplateAsync(root, "<confdConfig xmlns=\"http://tail-f.com/ns/confd_cfg/1.0\"/>", ct)),
        ["unix socket on a simulated NSO 6.3"] = (["runs on nso-sim as NSO 6.3", "ncs-local-ipc came in NSO 6.4", "Use WithTcpIpc()"], (root, ct) => FailureAtStartAsync(root, b => b.AddNso("nso-1").WithUnixSocketIpc().RunAsSimulator("6.3"), ct)),
        ["a release nso-sim cannot simulate"] = (["cannot simulate NSO '6.8'", "6.1, 6.2, 6.3, 6.4, 6.5, 6.6, 6.7"], (_, _) => Declare(b => b.AddNso("nso-1").RunAsSimulator("6.8"))),
        ["template with no band for the version"] = (["The template 'local-ipc' has no ncs.conf for NSO 6.3", "its version bands start at 6.4", "WithTemplate(path)"], (root, ct) => FailureAtStartAsync(root, b => b.AddNso("nso-1").RunAsSimulator("6.3").WithTemplate(LocalIpcTemplate), ct)),
        ["template with an element the release lacks"] = (["exit code 21", "/ncs-config/snmp-agent: unknown element in NSO 6.5", "no NSO release (6.1 to 6.7) has it"], (root, ct) => StartWithTemplateAsync(root, File.ReadAllText(Template).Replace("</ncs-config>", "<snmp-agent><enabled>false</enabled></snmp-agent></ncs-config>", StringComparison.Ordinal), ct)),
        ["unix socket on a real NSO 6.3"] = (["NSO 6.3 has no local IPC (ncs-local-ipc came in NSO 6.4)", "Use WithTcpIpc()"], FakeNso63WithUnixSocketAsync),
        ["template missing a mandatory leaf"] = (["lacks the mandatory leaf /ncs-config/cdb/db-dir", "Add it to the template"], (root, ct) => StartWithTemplateAsync(root, File.ReadAllText(Template).Replace("<db-dir>./ncs-cdb</db-dir>", string.Empty, StringComparison.Ordinal), ct)),
        ["bogus NCS_DIR"] = (["No NSO installation at '/nonexistent/nso-6.5'", "WithNsoInstallation"], (root, ct) => FailureAtStartAsync(root, b => b.AddNso("nso-1").WithNsoInstallation("/nonexistent/nso-6.5"), ct)),
        ["an ncs that is not NSO"] = (["is not NSO", "hello from a script", "Point NCS_DIR or WithNsoInstallation at a real NSO"], FakeNcsAsync),
        ["unreadable client access file"] = (["NCS_IPC_ACCESS_FILE", "cannot be read", "Give this process read access"], (_, _) => ClientAsync(new() { ["NCS_IPC_ACCESS_FILE"] = "/nonexistent/ipc_access" })),
        ["client port that is not a port"] = (["NCS_IPC_PORT is 'http'", "Set it to the instance's IPC port"], (_, _) => ClientAsync(new() { ["NCS_IPC_PORT"] = "http" })),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_input_gets_an_error_naming_the_problem_and_the_fix_and_leaves_no_daemon(string name)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (expected, provoke) = Cases[name];

        var message = await provoke(_runRoot, cancellationToken);

        foreach (var fragment in expected)
        {
            Assert.Contains(fragment, message, StringComparison.Ordinal);
        }

        Assert.Empty(ProcessTable.NsoSimWithArgumentContaining(_runRoot));
    }

    [Fact]
    public void The_table_has_at_least_fifteen_cases() => Assert.True(Cases.Count >= 15, $"{Cases.Count} cases");

    private static Task<string> Declare(Action<IDistributedApplicationBuilder> declare)
    {
        var error = Record.Exception(() => declare(DistributedApplication.CreateBuilder([])));
        return Task.FromResult(error?.Message ?? "no error");
    }

    /// <summary>Starts the declaration: an exception from the start, or the FailedToStart reason of nso-1.</summary>
    private static async Task<string> FailureAtStartAsync(string runRoot, Action<IDistributedApplicationBuilder> declare, CancellationToken cancellationToken)
    {
        RecordedPorts.Seed(Path.Combine(runRoot, "nso-1"));
        var builder = DistributedApplicationTestingBuilder.Create($"--Nso:RunRoot={runRoot}");
        declare(builder);
        await using var app = await builder.BuildAsync(cancellationToken);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ex.Message;
        }

        var failed = await app.ResourceNotifications.WaitForResourceAsync("nso-1", e => e.Snapshot.State?.Text == KnownResourceStates.FailedToStart, cancellationToken);
        return failed.Snapshot.Properties.Single(p => p.Name == "nso.failure").Value?.ToString() ?? string.Empty;
    }

    private static async Task<string> StartWithBusyPortAsync(string runRoot, CancellationToken cancellationToken)
    {
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        return await FailureAtStartAsync(runRoot, b => b.AddNso("nso-1").RunAsSimulator().WithCli(port), cancellationToken);
    }

    private static async Task<string> StartWithTemplateAsync(string runRoot, string content, CancellationToken cancellationToken)
    {
        var path = Path.Combine(runRoot, "template.conf");
        await File.WriteAllTextAsync(path, content, cancellationToken);
        return await FailureAtStartAsync(runRoot, b => b.AddNso("nso-1").RunAsSimulator().WithTemplate(path), cancellationToken);
    }

    private static async Task<string> FakeNcsAsync(string runRoot, CancellationToken cancellationToken)
    {
        var ncsDir = await FakeInstallationAsync(Path.Combine(runRoot, "fake-nso"), "hello from a script", cancellationToken);
        return await FailureAtStartAsync(runRoot, b => b.AddNso("nso-1").WithNsoInstallation(ncsDir), cancellationToken);
    }

    /// <summary>An <c>ncs</c> that says it is NSO 6.3: the version is learnt at start, and the socket refused before any daemon runs.</summary>
    private static async Task<string> FakeNso63WithUnixSocketAsync(string runRoot, CancellationToken cancellationToken)
    {
        var ncsDir = await FakeInstallationAsync(Path.Combine(runRoot, "nso-6.3"), "6.3", cancellationToken);
        var message = await FailureAtStartAsync(runRoot, b => b.AddNso("nso-1").WithNsoInstallation(ncsDir).WithUnixSocketIpc(), cancellationToken);
        Assert.Null(new Hosting.Materialize.RunDirectory(Path.Combine(runRoot, "nso-1")).ReadState()?.Pid);
        return message;
    }

    /// <summary>An NSO installation at <paramref name="ncsDir"/> that is only bin/ncs, a script that prints <paramref name="output"/>.</summary>
    private static async Task<string> FakeInstallationAsync(string ncsDir, string output, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(ncsDir, "bin"));
        var ncs = Path.Combine(ncsDir, "bin", "ncs");
        await File.WriteAllTextAsync(ncs, $"#!/bin/sh\necho {output}\n", cancellationToken);
        File.SetUnixFileMode(ncs, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return ncsDir;
    }

    private static Task<string> ClientAsync(Dictionary<string, string?> environment)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(environment);
        var error = Record.Exception(() => builder.AddNsoIpcClient());
        return Task.FromResult(error?.Message ?? "no error");
    }
}
