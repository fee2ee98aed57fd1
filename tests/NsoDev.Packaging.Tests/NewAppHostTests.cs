using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NsoDev.Ipc;

namespace NsoDev.Packaging.Tests;

/// <summary>
/// What a new user does: a brand-new AppHost outside the repository, NsoDev.Hosting added from the package
/// feed, the README's sample as Program.cs, <c>dotnet run</c>, then SIGTERM.
/// </summary>
[Collection(nameof(LocalPackageFeed))]
public sealed class NewAppHostTests(LocalPackageFeed feed)
{
    // Written by hand: the Aspire project templates (dotnet new aspire-apphost) do not install here. The pins
    // are the repository's (Directory.Packages.props), without which Aspire's version ranges give NU1603.
    private const string AppHostProject = """
        <Project Sdk="Aspire.AppHost.Sdk/13.6.4">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Aspire.Hosting.AppHost" Version="13.6.5" />
            <PackageReference Include="Polly.Core" Version="8.8.0" />
            <PackageReference Include="Nerdbank.MessagePack" Version="1.3.88" />
          </ItemGroup>
        </Project>
        """;

    [Fact(Timeout = 300_000)]
    public async Task An_app_host_with_only_the_package_runs_the_readme_instances_hands_their_addresses_to_a_dependent_and_leaves_nothing_after_SIGTERM()
    {
        var token = TestContext.Current.CancellationToken;
        var directory = feed.NewProjectDirectory("MyAppHost");
        File.WriteAllText(Path.Combine(directory, "MyAppHost.csproj"), AppHostProject);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), ReadmeSection.Block("## In your own app host", "csharp"));

        await DotnetCli.RunAsync(directory, ["add", "package", "NsoDev.Hosting", "--version", feed.Version], token);
        await DotnetCli.RunAsync(directory, ["build", "--no-restore"], token);
        var output = Path.Combine(directory, "bin", "Debug", "net10.0");
        Assert.True(File.Exists(Path.Combine(output, "nso-sim")) || File.Exists(Path.Combine(output, "native", "nso-sim")), $"The package put no nso-sim in {output}.");
        Assert.True(File.Exists(Path.Combine(output, "instance-templates", "default", "6.5", "ncs.conf")), $"The package put no instance-templates/ in {output}.");

        var ports = FreePorts.Take(2);
        var run = DotnetCli.StartInfo(directory, ["run", "--no-build", "--no-launch-profile"]);
        run.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        run.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ports[0]}";
        run.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{ports[1]}";
        run.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        var log = new StringBuilder();
        using var appHost = System.Diagnostics.Process.Start(run) ?? throw new InvalidOperationException("dotnet run did not start");
        appHost.OutputDataReceived += (_, e) => DotnetCli.Append(log, e.Data);
        appHost.ErrorDataReceived += (_, e) => DotnetCli.Append(log, e.Data);
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();
        var family = new HashSet<int> { appHost.Id };
        try
        {
            // The dependent starts only once both instances are healthy (WaitFor), and writes what it was given.
            var environment = await WaitForDependentEnvironmentAsync(Path.Combine(directory, "inventory.env"), appHost, log, token);
            var cfs = NsoIpcConnectionString.Parse(environment["ConnectionStrings__cfs"]);
            var rfs1 = NsoIpcConnectionString.Parse(environment["ConnectionStrings__rfs1"]);
            var cfsPort = Assert.IsType<NsoIpcEndpoint.Tcp>(cfs.Endpoint).Port;
            var rfs1Port = Assert.IsType<NsoIpcEndpoint.Tcp>(rfs1.Endpoint).Port;
            Assert.Equal("127.0.0.1", environment["NCS_IPC_ADDR"]);
            Assert.Equal(cfsPort.ToString(CultureInfo.InvariantCulture), environment["NCS_IPC_PORT"]);
            Assert.NotEqual(cfsPort, rfs1Port);
            Assert.False(environment.ContainsKey("NCS_IPC_ACCESS_FILE"), "cfs has no access check, so its client gets no NCS_IPC_ACCESS_FILE.");
            Assert.Null(cfs.AccessFile);
            Assert.NotNull(rfs1.AccessFile);
            Assert.Equal(Path.Combine(output, File.Exists(Path.Combine(output, "native", "nso-sim")) ? "native/nso-sim" : "nso-sim"), environment["NSODEV_NCS"]);

            // Both answer NSO's IPC preamble; rfs1 only with its secret.
            await PreambleAsync(cfs, token);
            await PreambleAsync(rfs1, token);
            Assert.Contains("Distributed application started", DotnetCli.Text(log), StringComparison.Ordinal);

            AddDescendants(family);
            Assert.Equal(2, ProcessTable.All().Count(p => family.Contains(p.Pid) && ProcessTable.IsNsoSim(p.Argv) && p.Argv.Contains("--foreground")));
            Assert.Contains(ProcessTable.All(), p => family.Contains(p.Pid) && Path.GetFileName(p.Argv[0]) == "dcp");

            using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", appHost.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync(token);
            }

            using var exit = CancellationTokenSource.CreateLinkedTokenSource(token);
            exit.CancelAfter(TimeSpan.FromSeconds(60));
            await appHost.WaitForExitAsync(exit.Token);
            var left = await WaitUntilGoneAsync(family, directory, TimeSpan.FromSeconds(60), token);
            Assert.True(left.Count == 0, $"Left running after SIGTERM: {ProcessTable.Describe(left)}\n{DotnetCli.Text(log)}");
            foreach (var port in (int[])[.. ports, cfsPort, rfs1Port])
            {
                Assert.True(await IsFreeAsync(port, token), $"Port {port} is still bound after SIGTERM.");
            }
        }
        finally
        {
            AddDescendants(family);
            if (!appHost.HasExited)
            {
                appHost.Kill(entireProcessTree: true);
            }

            await ProcessTable.KillAsync(Family(family, directory));
        }
    }

    /// <summary>Until the dependent's <c>env</c> file holds what the tests read; fails at once when the app host exits.</summary>
    private static async Task<Dictionary<string, string>> WaitForDependentEnvironmentAsync(string file, System.Diagnostics.Process appHost, StringBuilder log, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        while (true)
        {
            if (appHost.HasExited)
            {
                throw new InvalidOperationException($"dotnet run exited with {appHost.ExitCode} before the dependent started.\n{DotnetCli.Text(log)}");
            }

            if (File.Exists(file))
            {
                var variables = File.ReadAllLines(file).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);
                if (variables.ContainsKey("ConnectionStrings__cfs") && variables.ContainsKey("ConnectionStrings__rfs1") && variables.ContainsKey("NCS_IPC_PORT") && variables.ContainsKey("NSODEV_NCS"))
                {
                    return variables;
                }
            }

            try
            {
                await Task.Delay(250, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The dependent wrote no complete {file} within 120 s.\n{DotnetCli.Text(log)}");
            }
        }
    }

    private static async Task PreambleAsync(NsoIpcConnectionString connection, CancellationToken cancellationToken)
    {
        var options = new IpcConnectOptions(connection.Endpoint, NsoClientType.Maapi, connection.Release ?? NsoIpcConnectionString.DefaultRelease)
        {
            Secret = connection.AccessFile is { } file ? File.ReadAllBytes(file) : null,
        };
        using var socket = await IpcPreamble.ConnectAsync(options, cancellationToken);
        Assert.True(socket.Connected);
    }

    /// <summary>
    /// The run's processes: dotnet run's tree, DCP (which watches the app host, <c>--monitor PID</c>, from a
    /// session of its own) and its children, and whatever names the project's folder (the daemons).
    /// </summary>
    private static List<(int Pid, string[] Argv)> Family(HashSet<int> family, string directory)
    {
        AddDescendants(family);
        return [.. ProcessTable.All().Where(p => family.Contains(p.Pid) || p.Argv.Any(a => a.Contains(directory, StringComparison.Ordinal))).Select(p => (p.Pid, p.Argv))];
    }

    private static void AddDescendants(HashSet<int> family)
    {
        var all = ProcessTable.All();
        for (var added = true; added;)
        {
            added = false;
            foreach (var p in all.Where(p => !family.Contains(p.Pid)))
            {
                var monitors = p.Argv.Zip(p.Argv.Skip(1)).Any(a => a.First == "--monitor" && int.TryParse(a.Second, CultureInfo.InvariantCulture, out var watched) && family.Contains(watched));
                if (family.Contains(p.Parent) || monitors)
                {
                    added |= family.Add(p.Pid);
                }
            }
        }
    }

    private static async Task<List<(int Pid, string[] Argv)>> WaitUntilGoneAsync(HashSet<int> family, string directory, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var left = ProcessTable.All().Where(p => family.Contains(p.Pid) || p.Argv.Any(a => a.Contains(directory, StringComparison.Ordinal))).Select(p => (p.Pid, p.Argv)).ToList();
            if (left.Count == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Whether a listener can bind the port on 127.0.0.1 (within a few seconds: a closing socket may hold it briefly).</summary>
    private static async Task<bool> IsFreeAsync(int port, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return true;
            }
            catch (SocketException) when (attempt < 20)
            {
                await Task.Delay(250, cancellationToken);
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
