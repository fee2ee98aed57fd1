using System.Diagnostics;
using System.Globalization;

namespace NsoDev.EndToEnd.Tests;

/// <summary>
/// A persistent nso-sim instance through three app hosts on one run root: the first leaves its daemon
/// running, the second adopts it (same pid, same endpoint, same secret, its output still reaches the
/// resource log), and the third, with another ncs.conf, replaces it; the dashboard's Stop stops it for real.
/// </summary>
public sealed class PersistentLifetimeEndToEndTests : IDisposable
{
    private static readonly string[] Persistent = ["--Nso:Count=1", "--Nso:Clients=false", "--Nso:Instances:nso-1:Lifetime=persistent", "--Nso:Instances:nso-1:AccessCheck=true"];

    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-persist-").FullName;
    private readonly List<int> _daemons = [];

    public void Dispose()
    {
        // Whatever a failed assertion or a timeout left running: the daemons seen, and any other nso-sim
        // of this run root (a replacement, or one started before the test could note its pid); persistent
        // daemons outlive their app hosts by design, so nothing else stops them.
        foreach (var pid in _daemons.Concat(ProcessTable.NsoSimWithArgumentContaining(_runRoot).Select(p => p.Pid)).Distinct().Where(IsAlive))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // It ended meanwhile.
            }
        }

        Directory.Delete(_runRoot, recursive: true);
    }

    [Fact(Timeout = 240_000)]
    public async Task A_persistent_instance_outlives_its_app_host_is_adopted_by_the_next_and_replaced_when_its_ncs_conf_changes()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        int pid;
        string ipc;
        {
            var first = await AppHostRun.CreateAsync(_runRoot, cancellationToken, Persistent);
            await using var app = await first.StartHealthyAsync(cancellationToken);
            pid = AppHostRun.Pid(first.Nso("nso-1"));
            _daemons.Add(pid);
            ipc = AppHostRun.Ipc(first.Nso("nso-1")).ToString();
            await app.StopAsync(cancellationToken);
        }

        Assert.True(IsAlive(pid), $"The persistent daemon {pid} did not outlive its app host.");

        {
            var second = await AppHostRun.CreateAsync(_runRoot, cancellationToken, Persistent);
            await using var app = await second.StartHealthyAsync(cancellationToken);
            var nso = second.Nso("nso-1");

            Assert.Equal(pid.ToString(CultureInfo.InvariantCulture), await PidPropertyAsync(app, cancellationToken));
            Assert.Equal(ipc, AppHostRun.Ipc(nso).ToString());
            Assert.Null(await AppHostRun.HandshakeAsync(nso, cancellationToken));
            await AppHostRun.WaitForLogAsync(app, "nso-1", $"Adopted NSO instance nso-1: daemon {pid}", cancellationToken);

            // The adopted daemon writes to its output files, and the resource log follows them.
            var reload = await app.ResourceCommands.ExecuteCommandAsync("nso-1", "nso-reload", cancellationToken);
            Assert.True(reload.Success, reload.Message);
            await AppHostRun.WaitForLogAsync(app, "nso-1", "Reloaded", cancellationToken);
            await app.StopAsync(cancellationToken);
        }

        Assert.True(IsAlive(pid), $"The adopted daemon {pid} did not outlive the second app host.");

        {
            var third = await AppHostRun.CreateAsync(_runRoot, cancellationToken, [.. Persistent, "--Nso:Instances:nso-1:WebUi=true"]);
            await using var app = await third.StartHealthyAsync(cancellationToken);
            var replacement = AppHostRun.Pid(third.Nso("nso-1"));
            _daemons.Add(replacement);

            Assert.NotEqual(pid, replacement);
            Assert.False(IsAlive(pid), $"The daemon {pid} that ran the old ncs.conf still runs beside its replacement.");
            Assert.Null(await AppHostRun.HandshakeAsync(third.Nso("nso-1"), cancellationToken));

            var stop = await app.ResourceCommands.ExecuteCommandAsync("nso-1", "nso-stop", cancellationToken);
            Assert.True(stop.Success, stop.Message);
            await app.ResourceNotifications.WaitForResourceAsync("nso-1", KnownResourceStates.Finished, cancellationToken);
            Assert.False(IsAlive(replacement), "The dashboard's Stop left the persistent daemon running.");
            await app.StopAsync(cancellationToken);
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task A_persistent_daemon_survives_its_app_host_process_killed_with_SIGKILL_and_the_next_process_adopts_it()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var state = Path.Combine(_runRoot, "nso-1", "nsodev.json");
        // Not disposed: its dispose would kill the daemons under the run root, which must outlive it.
        var first = AppHostRun.StartProcess(_runRoot, Persistent);
        await first.WaitForDashboardAsync(cancellationToken);
        var pid = await RecordedPidAsync(state, since: DateTime.MinValue, cancellationToken);
        _daemons.Add(pid);
        var started = File.GetLastWriteTimeUtc(state);

        // No stdin pipe and no stdout pipe tie it to the app host: a crash of the app host leaves it running.
        await first.KillAsync(cancellationToken);
        Assert.True(IsAlive(pid), $"The persistent daemon {pid} died with its app host.\n{first.LogTail()}");

        await using var second = AppHostRun.StartProcess(_runRoot, Persistent);
        await second.WaitForDashboardAsync(cancellationToken);

        // Adoption records the same pid again; a replacement would record another.
        Assert.Equal(pid, await RecordedPidAsync(state, since: started, cancellationToken));
        Assert.Contains($"Found daemon {pid} of persistent NSO instance nso-1", second.LogTail(200), StringComparison.Ordinal);
        await second.StopAsync(cancellationToken);
        Assert.Equal(0, second.ExitCode);
        Assert.True(IsAlive(pid), $"The adopted daemon {pid} did not outlive the second app host.\n{second.LogTail()}");
    }

    /// <summary>The pid the state file records once it was written after <paramref name="since"/>.</summary>
    private static async Task<int> RecordedPidAsync(string stateFile, DateTime since, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (File.Exists(stateFile) && File.GetLastWriteTimeUtc(stateFile) > since)
            {
                using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(stateFile, cancellationToken));
                if (json.RootElement.GetProperty("Pid") is { ValueKind: System.Text.Json.JsonValueKind.Number } recorded)
                {
                    return recorded.GetInt32();
                }
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<string?> PidPropertyAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var running = await app.ResourceNotifications.WaitForResourceAsync("nso-1", e => e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
        return running.Snapshot.Properties.Single(p => p.Name == NsoResourceProperties.Pid).Value?.ToString();
    }

    /// <summary>Alive and not a zombie: the first app host's daemon is this test process's child until it is reaped.</summary>
    private static bool IsAlive(int pid)
    {
        var status = $"/proc/{pid}/status";
        return File.Exists(status) && !File.ReadLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains("zombie", StringComparison.Ordinal));
    }
}
