using System.Diagnostics;
using System.Globalization;

namespace NsoDev.Tests;

/// <summary>How a daemon is started; the defaults are the orchestrator's (TCP IPC, no access check, nso-sim's default release).</summary>
internal sealed record SimDaemonOptions
{
    /// <summary>IPC on the run directory's Unix socket (<c>ncs-local-ipc</c>) instead of TCP.</summary>
    public bool UnixSocket { get; init; }

    /// <summary>The access file's content, newline included (it is all the secret); the check is on when set.</summary>
    public string? Secret { get; init; }

    /// <summary>The NSO release to simulate (<c>NSO_SIM_VERSION</c>, for the daemon and its commands); null for nso-sim's default.</summary>
    public string? Version { get; init; }

    /// <summary>More variables for the daemon only, such as <c>NCS_DIR</c>.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Used by <c>--wait-started</c>; null for the variables that <see cref="UnixSocket"/> and <see cref="Secret"/> imply.</summary>
    public IReadOnlyDictionary<string, string>? ClientEnvironment { get; init; }

    public string WaitStartedSeconds { get; init; } = NsoSimProcess.WaitStartedSeconds;
}

/// <summary>
/// Shared by the test projects and the benchmarks (linked, not referenced). A running
/// <c>nso-sim --foreground --stop-on-eof</c>, started as an orchestrator starts one: spawn it, then run
/// <c>nso-sim --wait-started</c> against it. A start that lost one of its free ports to another process
/// is tried again on new ones. Disposing closes stdin, so the daemon stops cleanly; it is killed only if it does not.
/// </summary>
internal sealed class SimDaemon : IAsyncDisposable
{
    private const int Attempts = 3;
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(15);
    private readonly SimRunDirectory? _owned;

    private SimDaemon(NsoSimProcess process, SimRunDirectory run, IReadOnlyDictionary<string, string> client, TimeSpan startup, bool owned)
    {
        Process = process;
        Run = run;
        ClientEnvironment = client;
        Startup = startup;
        _owned = owned ? run : null;
    }

    public NsoSimProcess Process { get; }

    public SimRunDirectory Run { get; }

    public int Pid => Process.Id;

    /// <summary>What a client of this daemon needs: where IPC is, the access file, the release.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment { get; }

    /// <summary>From spawning the daemon to <c>--wait-started</c> exiting 0.</summary>
    public TimeSpan Startup { get; }

    /// <summary>A daemon in a run directory of its own, removed when the daemon is disposed.</summary>
    public static async Task<SimDaemon> StartInNewDirectoryAsync(SimDaemonOptions options, bool northbound, CancellationToken cancellationToken)
    {
        var run = new SimRunDirectory(northbound);
        try
        {
            return await StartAsync(run, options, owned: true, cancellationToken);
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>A daemon in <paramref name="run"/>; with <see cref="SimDaemonOptions.UnixSocket"/> or a secret, ncs.conf is written for them.</summary>
    /// <exception cref="InvalidOperationException">The daemon did not start; the message carries its output and the command's.</exception>
    public static Task<SimDaemon> StartAsync(SimRunDirectory run, SimDaemonOptions? options = null, CancellationToken cancellationToken = default) =>
        StartAsync(run, options ?? new SimDaemonOptions(), owned: false, cancellationToken);

    /// <summary>Runs a control command (<c>--status</c>, <c>--stop</c>) with <see cref="ClientEnvironment"/>.</summary>
    public Task<CommandResult> RunCommandAsync(IEnumerable<string> args, CancellationToken cancellationToken = default) =>
        NsoSimProcess.RunAsync(args, ClientEnvironment, cancellationToken);

    /// <summary>Closes stdin and returns how long the daemon took to exit.</summary>
    /// <exception cref="InvalidOperationException">The daemon did not stop in time (it is killed), or stopped with an error.</exception>
    public async Task<TimeSpan> StopAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        Process.CloseStandardInput();
        int exitCode;
        try
        {
            exitCode = await Process.WaitForExitAsync(StopLimit, cancellationToken);
        }
        catch (TimeoutException e)
        {
            await Process.DisposeAsync();
            throw new InvalidOperationException($"nso-sim (pid {Pid}) did not stop on EOF within {StopLimit} and was killed.", e);
        }

        return exitCode == 0
            ? clock.Elapsed
            : throw new InvalidOperationException($"nso-sim (pid {Pid}) stopped on EOF with exit code {exitCode.ToString(CultureInfo.InvariantCulture)}.\n{Process.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.CloseStandardInput();
            try
            {
                await Process.WaitForExitAsync(StopLimit, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // Killed below.
            }
        }

        await Process.DisposeAsync();
        _owned?.Dispose();
    }

    private static async Task<SimDaemon> StartAsync(SimRunDirectory run, SimDaemonOptions options, bool owned, CancellationToken cancellationToken)
    {
        if (options.Secret is { } secret)
        {
            run.WriteSecret(secret);
        }

        if (options.UnixSocket || options.Secret is not null)
        {
            run.WriteConf((options.Secret is null ? string.Empty : run.AccessCheck) + (options.UnixSocket ? run.LocalIpc : string.Empty));
        }

        for (var attempt = 1; ; attempt++)
        {
            var (daemon, problem) = await TryStartAsync(run, options, owned, cancellationToken);
            if (daemon is not null)
            {
                return daemon;
            }

            // Only a TCP port taken by someone else is worth another try, on new ports.
            if (attempt == Attempts || !problem.Contains("address already in use", StringComparison.Ordinal) || !run.TryTakeNewPorts())
            {
                throw new InvalidOperationException($"nso-sim in {run.Path} did not start (attempt {attempt}): {problem}");
            }
        }
    }

    /// <summary>The started daemon, or null and why not.</summary>
    private static async Task<(SimDaemon? Daemon, string Problem)> TryStartAsync(SimRunDirectory run, SimDaemonOptions options, bool owned, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(options.Environment ?? new Dictionary<string, string>());
        var client = new Dictionary<string, string>(options.ClientEnvironment ?? (options.UnixSocket ? run.LocalClientEnvironment : run.ClientEnvironment));
        if (options.Version is { } version)
        {
            environment["NSO_SIM_VERSION"] = version;
            client["NSO_SIM_VERSION"] = version;
        }

        if (options.Secret is not null && options.ClientEnvironment is null)
        {
            client["NCS_IPC_ACCESS_FILE"] = run.SecretPath;
        }

        var clock = Stopwatch.StartNew();
        var process = NsoSimProcess.Start(run.DaemonArgs, environment);
        using var gaveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waiting = NsoSimProcess.RunAsync(["--wait-started", options.WaitStartedSeconds], client, gaveUp.Token);
        var exited = process.WaitForExitAsync(Timeout.InfiniteTimeSpan, gaveUp.Token);

        // A daemon that exits (a port was taken) ends the wait at once, rather than after --wait-started's try time.
        var first = await Task.WhenAny(waiting, exited);
        if (first != waiting || !waiting.IsCompletedSuccessfully || waiting.Result.ExitCode != 0)
        {
            await gaveUp.CancelAsync();
            var command = await OutcomeAsync(waiting);
            var daemon = exited.IsCompletedSuccessfully ? $"exit code {exited.Result}" : "still running, killed";
            await process.DisposeAsync();
            cancellationToken.ThrowIfCancellationRequested();
            return (null, $"--wait-started: {command}\ndaemon ({daemon}):\n{process.Output}");
        }

        var startup = clock.Elapsed;
        await gaveUp.CancelAsync();
        await OutcomeAsync(exited);

        // Another daemon on a port this one could not bind answers --wait-started too: only our own "Started" counts.
        if (process.HasExited || !(process.Stdout + run.NcsLog).Contains($"nso-sim[{process.Id}]: - Started", StringComparison.Ordinal))
        {
            await process.DisposeAsync();
            return (null, $"--wait-started was answered, but not by this daemon (address already in use?):\n{process.Output}");
        }

        return (new SimDaemon(process, run, client, startup, owned), string.Empty);
    }

    /// <summary>What a task that may have been cancelled or timed out came to, for a message.</summary>
    private static async Task<string> OutcomeAsync<T>(Task<T> task)
    {
        try
        {
            return $"{await task}";
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            return e.Message;
        }
    }
}
