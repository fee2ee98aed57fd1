using System.Diagnostics;
using System.Globalization;
using System.Text;
using NsoDev.Ipc;

namespace NsoDev.Client.Tests.Sim;

/// <summary>How a test wants its nso-sim daemon.</summary>
/// <param name="UnixSocket">Serve IPC on a Unix socket (<c>ncs-local-ipc</c>) instead of TCP.</param>
/// <param name="AccessCheck">Turn <c>ncs-ipc-access-check</c> on, with a secret file of its own.</param>
/// <param name="Version">The NSO release to simulate (<c>NSO_SIM_VERSION</c>); null for nso-sim's default, 6.5.</param>
internal sealed record SimDaemonOptions(bool UnixSocket = false, bool AccessCheck = false, string? Version = null);

/// <summary>
/// A real nso-sim daemon in a temporary run directory, started the way the hosting integration
/// starts one (<c>--cd DIR -c ncs.conf --foreground --stop-on-eof</c>) and awaited with
/// <c>nso-sim --wait-started</c>. NETCONF and the CLI are off: these tests need IPC only.
/// Disposing closes its stdin, so it stops cleanly; it is killed only if it does not.
/// </summary>
internal sealed class SimDaemon : IAsyncDisposable
{
    private static readonly string[] InheritedVariables = ["NCS_IPC_PATH", "NCS_IPC_ADDR", "NCS_IPC_PORT", "NCS_IPC_ACCESS_FILE", "CONFD_IPC_ACCESS_FILE", "NSO_SIM_VERSION"];

    private readonly Process _process;
    private readonly StringBuilder _output;

    private SimDaemon(Process process, StringBuilder output, string runDirectory, NsoIpcEndpoint endpoint, string? secretFile, string? version)
    {
        _process = process;
        _output = output;
        RunDirectory = runDirectory;
        Endpoint = endpoint;
        SecretFile = secretFile;
        Version = version;
    }

    public static string Executable => Path.Combine(AppContext.BaseDirectory, "nso-sim");

    public string RunDirectory { get; }

    public NsoIpcEndpoint Endpoint { get; }

    /// <summary>The access file, when the check is on.</summary>
    public string? SecretFile { get; }

    /// <summary>The simulated release, or null for the default (6.5).</summary>
    public string? Version { get; }

    /// <summary>The access file's bytes: the secret a client must prove it knows.</summary>
    public byte[] Secret => File.ReadAllBytes(SecretFile ?? throw new InvalidOperationException("This daemon's access check is off."));

    /// <summary>The variables a client of this daemon reads, as the hosting integration would inject them.</summary>
    public Dictionary<string, string?> ClientVariables
    {
        get
        {
            var variables = Endpoint switch
            {
                NsoIpcEndpoint.UnixSocket unix => new Dictionary<string, string?> { ["NCS_IPC_PATH"] = unix.Path },
                NsoIpcEndpoint.Tcp tcp => new Dictionary<string, string?> { ["NCS_IPC_ADDR"] = tcp.Address, ["NCS_IPC_PORT"] = tcp.Port.ToString(CultureInfo.InvariantCulture) },
                _ => throw new InvalidOperationException($"Unknown endpoint {Endpoint}."),
            };
            if (SecretFile is not null)
            {
                variables["NCS_IPC_ACCESS_FILE"] = SecretFile;
            }

            return variables;
        }
    }

    /// <summary>
    /// The connection string the app host gives a project that references this daemon (ConnectionStrings__NAME),
    /// written out here from the contract rather than by NsoIpcConnectionString, so the two are checked against each other.
    /// </summary>
    public string ConnectionString
    {
        get
        {
            var endpoint = Endpoint switch
            {
                NsoIpcEndpoint.UnixSocket unix => $"Path={unix.Path}",
                NsoIpcEndpoint.Tcp tcp => $"Host={tcp.Address};Port={tcp.Port.ToString(CultureInfo.InvariantCulture)}",
                _ => throw new InvalidOperationException($"Unknown endpoint {Endpoint}."),
            };
            return $"{endpoint};Release={Version ?? "6.5"}" + (SecretFile is null ? string.Empty : $";AccessFile={SecretFile}");
        }
    }

    /// <summary>The configuration of a project that references this daemon as <paramref name="name"/>.</summary>
    public Dictionary<string, string?> ConnectionVariables(string name) => new() { [$"ConnectionStrings:{name}"] = ConnectionString };

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<SimDaemon> StartAsync(SimDaemonOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var runDirectory = Directory.CreateTempSubdirectory("nsodev-sd-").FullName;
        var ipcPort = FreeTcpPort.Next();
        var socketPath = Path.Combine(runDirectory, "ipc.sock");
        string? secretFile = null;
        if (options.AccessCheck)
        {
            secretFile = Path.Combine(runDirectory, "ipc_access");

            // The whole file is the secret, trailing newline included (docs/NSO-NOTES.md §4).
            await File.WriteAllTextAsync(secretFile, $"secret-{Guid.NewGuid():N}\n", cancellationToken);
            File.SetUnixFileMode(secretFile, UnixFileMode.UserRead);
        }

        await File.WriteAllTextAsync(Path.Combine(runDirectory, "ncs.conf"), NcsConf(ipcPort, options.UnixSocket ? socketPath : null, secretFile), cancellationToken);
        NsoIpcEndpoint endpoint = options.UnixSocket ? new NsoIpcEndpoint.UnixSocket(socketPath) : new NsoIpcEndpoint.Tcp("127.0.0.1", ipcPort);

        var output = new StringBuilder();
        var process = new Process { StartInfo = StartInfo(["--cd", runDirectory, "-c", "ncs.conf", "--foreground", "--stop-on-eof"], options.Version, null) };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new SimDaemon(process, output, runDirectory, endpoint, secretFile, options.Version);
        try
        {
            // 30 s: on a loaded CI machine a .NET process can take seconds to start.
            var (exitCode, text) = await daemon.RunCommandAsync(["--wait-started", "30"], cancellationToken);
            if (exitCode != 0)
            {
                var state = process.HasExited ? $"exited with {process.ExitCode}" : "still running";
                throw new InvalidOperationException($"nso-sim did not start (--wait-started exit code {exitCode}): {text}\ndaemon ({state}) output:\n{daemon.Output}");
            }

            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs an nso-sim control command (<c>--status</c>, <c>--wait-started</c>) with this daemon's client variables.</summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        using var command = new Process { StartInfo = StartInfo(args, Version, ClientVariables) };
        command.OutputDataReceived += (_, e) => Append(text, e.Data);
        command.ErrorDataReceived += (_, e) => Append(text, e.Data);
        command.Start();
        command.StandardInput.Close();
        command.BeginOutputReadLine();
        command.BeginErrorReadLine();
        try
        {
            await command.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            command.Kill(entireProcessTree: true);
            throw;
        }

        lock (text)
        {
            return (command.ExitCode, text.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(RunDirectory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The directory is temporary; a late log line must not fail a test.
            }
        }
    }

    private static string NcsConf(int ipcPort, string? socketPath, string? secretFile)
    {
        var localIpc = socketPath is null
            ? "<ncs-local-ipc><enabled>false</enabled></ncs-local-ipc>"
            : $"<ncs-local-ipc><enabled>true</enabled><path>{socketPath}</path></ncs-local-ipc>";
        var accessCheck = secretFile is null
            ? string.Empty
            : $"<ncs-ipc-access-check><enabled>true</enabled><filename>{secretFile}</filename></ncs-ipc-access-check>";
        return $"""
            <ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">
              <load-path><dir>./packages</dir></load-path>
              <state-dir>./state</state-dir>
              <cdb><db-dir>./ncs-cdb</db-dir></cdb>
              <ncs-ipc-address><ip>127.0.0.1</ip><port>{ipcPort}</port></ncs-ipc-address>
              {localIpc}
              {accessCheck}
              <netconf-north-bound><enabled>false</enabled></netconf-north-bound>
              <cli><enabled>false</enabled></cli>
            </ncs-config>
            """;
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> args, string? version, IReadOnlyDictionary<string, string?>? variables)
    {
        var start = new ProcessStartInfo(Executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing from the developer's shell may point the daemon or the command elsewhere.
        foreach (var name in InheritedVariables)
        {
            start.Environment.Remove(name);
        }

        if (version is not null)
        {
            start.Environment["NSO_SIM_VERSION"] = version;
        }

        foreach (var (name, value) in variables ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.Append(line).Append('\n');
        }
    }
}
