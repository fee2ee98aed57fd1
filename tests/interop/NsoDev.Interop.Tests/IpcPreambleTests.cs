using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace NsoDev.Interop.Tests;

/// <summary>
/// An IPC preamble client written in Python from docs/NSO-NOTES.md §4 alone (ipc_preamble.py, stdlib
/// only, no NsoDev code), against the default AppHost's <c>nso-1</c>: TCP IPC with the access check
/// on. It finds the instance as a user would, through the run directory's env.sh.
/// </summary>
public sealed class IpcPreambleTests(ITestOutputHelper output)
{
    private const string Instance = "nso-1";

    [Fact(Timeout = 180_000)]
    public async Task An_independent_client_with_the_instances_secret_is_admitted_and_one_with_a_wrong_secret_gets_03()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(2.5));
        var results = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(results);

        // The default topology (AppHost/appsettings.json): two instances, nso-1 on TCP with the check on.
        await using var appHost = DefaultAppHost.Start(2, Path.Combine(results, "apphost-ipc.log"));
        var environment = await StartedInstanceAsync(appHost, deadline.Token);
        var address = $"{environment["NCS_IPC_ADDR"]}:{environment["NCS_IPC_PORT"]}";
        var accessFile = environment["NCS_IPC_ACCESS_FILE"];
        output.WriteLine($"{Instance}: IPC on {address}, access file {accessFile}");

        foreach (var java in new[] { false, true })
        {
            var (admitted, exit) = await PreambleAsync(address, accessFile, java, wrongSecret: false, deadline.Token);
            Assert.True(exit == 0, $"the {(java ? "SHA-256" : "MD5")} client was not admitted: {admitted}");
            Assert.Equal(java ? "c7005208020500" + "0000" : "87005208020500" + "3c12", admitted.GetProperty("hello").GetString());
            Assert.Equal(java ? 32 : 16, admitted.GetProperty("challenge_length").GetInt32());
            Assert.Equal("00", admitted.GetProperty("verdict").GetString());
            var reply = admitted.GetProperty("reply").GetString()!;
            Assert.Equal(18, reply.Length);
            Assert.StartsWith("00", reply, StringComparison.Ordinal);
        }

        var (rejected, rejectedExit) = await PreambleAsync(address, accessFile, java: false, wrongSecret: true, deadline.Token);
        Assert.Equal(1, rejectedExit);
        Assert.Equal("03", rejected.GetProperty("verdict").GetString());
        Assert.Equal(string.Empty, rejected.GetProperty("after").GetString());
        Assert.True(rejected.GetProperty("closed").GetBoolean(), $"the daemon kept the connection open after 03: {rejected}");

        await appHost.StopAsync(deadline.Token);
        Assert.Equal(0, appHost.ExitCode);
    }

    /// <summary>Waits for the instance's env.sh, then for <c>nso-sim --wait-started</c> through it; returns env.sh's variables.</summary>
    private static async Task<Dictionary<string, string>> StartedInstanceAsync(AppHostProcess appHost, CancellationToken cancellationToken)
    {
        var envScript = Path.Combine(appHost.RunRoot, Instance, "env.sh");
        while (!File.Exists(envScript) || !File.ReadAllText(envScript).Contains("NCS_IPC_ACCESS_FILE=", StringComparison.Ordinal))
        {
            Assert.False(appHost.HasExited, $"The AppHost exited before {envScript} was written.\n{appHost.LogTail()}");
            await Task.Delay(250, cancellationToken);
        }

        var environment = ReadEnvScript(envScript);
        var wait = await NsoSimProcess.RunAsync(["--wait-started", "60"], environment, cancellationToken);
        Assert.True(wait.ExitCode == 0, $"{Instance} did not start: {wait.Stderr}\n{appHost.LogTail()}");
        return environment;
    }

    /// <summary>The <c>export NAME='value'</c> lines of env.sh, unquoted as the shell would.</summary>
    private static Dictionary<string, string> ReadEnvScript(string path) =>
        File.ReadLines(path)
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(a => a[0], a => a[1][1..^1].Replace("'\\''", "'", StringComparison.Ordinal));

    private async Task<(JsonElement Result, int ExitCode)> PreambleAsync(string address, string accessFile, bool java, bool wrongSecret, CancellationToken cancellationToken)
    {
        List<string> arguments = [Path.Combine(AppContext.BaseDirectory, "ipc_preamble.py"), "--tcp", address, "--access-file", accessFile];
        if (java)
        {
            arguments.Add("--sha256");
        }

        if (wrongSecret)
        {
            arguments.Add("--wrong-secret");
        }

        var result = await Cli.Wrap("/usr/bin/python3").WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        output.WriteLine($"ipc_preamble.py {string.Join(' ', arguments.Skip(1))}: exit {result.ExitCode}: {result.StandardOutput.Trim()} {result.StandardError.Trim()}");
        Assert.True(result.StandardOutput.Trim().Length > 0, $"ipc_preamble.py printed nothing: {result.StandardError}");
        using var json = JsonDocument.Parse(result.StandardOutput);
        return (json.RootElement.Clone(), result.ExitCode);
    }
}
