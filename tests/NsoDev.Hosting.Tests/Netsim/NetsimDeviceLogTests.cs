using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Tests.Orchestration;

namespace NsoDev.Hosting.Tests.Netsim;

/// <summary>
/// Each netsim device's log files (NETSIM/PREFIX/NAME/logs) in its own resource's log while it runs,
/// through the fleet, the fake ncs-netsim (whose start and stop write to confd.log) and real files.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NetsimDeviceLogTests : IAsyncDisposable
{
    private static readonly TimeSpan HangGuard = OrchestrationHarness.HangGuard;

    private readonly OrchestrationHarness _h = new();
    private readonly NedPackages _packages = new();

    public NetsimDeviceLogTests()
    {
        var netsim = new FakeNcsNetsim(Path.Combine(_h.NcsDir, "bin", "ncs-netsim"));
        _h.Processes.RunsForReal = spec => spec.FileName == netsim.Path;
        _h.Processes.Returns("--version", new ProcessResult(0, "6.5\n", ""));
        FailingDevicesFile = netsim.FailingDevicesFile;
    }

    private string FailingDevicesFile { get; }

    public async ValueTask DisposeAsync()
    {
        await _h.DisposeAsync();
        _packages.Dispose();
    }

    [Fact]
    public async Task Lines_a_device_writes_while_it_runs_reach_its_own_resource_log_and_a_restart_does_not_show_old_lines_again()
    {
        var nso = await StartWithDevicesAsync(waitStarts: 2);
        var ex0 = LogFile(nso, "ex0", "confd.log");

        // Written by the device's start, which came after the follower began.
        var started = await LinesUntilAsync("nso-1-ex0", "fake device ex0 started");
        Assert.Equal("confd.log: <INFO> fake device ex0 started", Message(started[^1]));

        await File.AppendAllTextAsync(LogFile(nso, "ex0", "audit.log"), "<INFO> 1-Dec-2026::22:00:00.000 ex0 confd[1]: audit user: admin/1 logged in over ssh from 127.0.0.1\n", TestContext.Current.CancellationToken);
        await File.AppendAllTextAsync(LogFile(nso, "ex1", "netconf.log"), "<ERR> 1-Dec-2026::22:00:00.000 ex1 confd[2]: netconf id=7 bad hello\n", TestContext.Current.CancellationToken);
        var audit = await LinesUntilAsync("nso-1-ex0", "logged in over ssh");
        var netconf = await LinesUntilAsync("nso-1-ex1", "bad hello");

        Assert.StartsWith("audit.log: <INFO> ", Message(audit[^1]), StringComparison.Ordinal);
        Assert.False(audit[^1].IsErrorMessage);
        Assert.StartsWith("netconf.log: <ERR> ", Message(netconf[^1]), StringComparison.Ordinal);
        Assert.True(netconf[^1].IsErrorMessage);
        Assert.DoesNotContain(netconf, l => l.Content.Contains("logged in over ssh", StringComparison.Ordinal));

        // The stop's own last line is read before the follower ends; a line written while stopped is not followed.
        var runner = _h.Fleet.GetRunner(nso)!;
        await runner.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        Assert.Contains(await LinesUntilAsync("nso-1-ex0", "fake device ex0 stopping"), l => Message(l) == "confd.log: <INFO> fake device ex0 stopping");
        await File.AppendAllTextAsync(ex0, "<INFO> written by hand while the device was stopped\n", TestContext.Current.CancellationToken);

        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await File.AppendAllTextAsync(ex0, "<INFO> after the restart\n", TestContext.Current.CancellationToken);
        var all = await LinesUntilAsync("nso-1-ex0", "after the restart");

        Assert.Equal(
            ["confd.log: <INFO> fake device ex0 started", "audit.log: <INFO> ", "confd.log: <INFO> fake device ex0 stopping", "confd.log: <INFO> fake device ex0 started", "confd.log: <INFO> after the restart"],
            all.Select(Message).Where(c => c.Contains(".log: ", StringComparison.Ordinal)).Select(c => c.StartsWith("audit.log", StringComparison.Ordinal) ? "audit.log: <INFO> " : c));
    }

    [Fact]
    public async Task A_device_that_fails_to_start_shows_its_error_line_in_its_own_log()
    {
        await File.WriteAllTextAsync(FailingDevicesFile, "ex1\n", TestContext.Current.CancellationToken);

        await StartWithDevicesAsync();

        var lines = await LinesUntilAsync("nso-1-ex1", "cannot bind its port");
        Assert.Equal("confd.log: <ERR> fake device ex1: cannot bind its port", Message(lines[^1]));
        Assert.True(lines[^1].IsErrorMessage);
        await _h.States.WaitForStateAsync("nso-1-ex1", KnownResourceStates.FailedToStart);
    }

    [Fact]
    public async Task A_devices_stop_command_ends_its_log_with_the_stop_and_its_start_command_follows_it_again()
    {
        var nso = await StartWithDevicesAsync();
        await LinesUntilAsync("nso-1-ex1", "fake device ex1 started");
        var device = _h.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<NetsimDeviceResource>().Single(d => d.Name == "nso-1-ex1");
        var commands = _h.App.Services.GetRequiredService<ResourceCommandService>();

        var stop = await commands.ExecuteCommandAsync(device, "netsim-stop", TestContext.Current.CancellationToken).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        Assert.True(stop.Success, stop.Message);
        await LinesUntilAsync("nso-1-ex1", "fake device ex1 stopping");
        await File.AppendAllTextAsync(LogFile(nso, "ex1", "confd.log"), "<INFO> while stopped\n", TestContext.Current.CancellationToken);

        var start = await commands.ExecuteCommandAsync(device, "netsim-start", TestContext.Current.CancellationToken).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        Assert.True(start.Success, start.Message);
        var lines = await LinesUntilAsync("nso-1-ex1", "fake device ex1 started", occurrence: 2);

        Assert.DoesNotContain(lines, l => l.Content.Contains("while stopped", StringComparison.Ordinal));

        // ex0 ran on throughout: its log has its one start, nothing of ex1's.
        var ex0 = await LinesUntilAsync("nso-1-ex0", "fake device ex0 started");
        Assert.DoesNotContain(ex0, l => l.Content.Contains("ex1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_devices_logs_are_in_its_folder_under_its_prefix_as_ncs_netsim_lays_it_out()
    {
        var plan = new NetsimPlan(
            [new NetsimDeclaration("/pkgs/router-nc-1.1", 2, "ex")],
            new NetsimPorts(NetsimPortKinds.All.ToDictionary(k => k, k => k.RangeStart()), 2),
            "/run/nso-1/netsim");

        Assert.Equal("/run/nso-1/netsim/ex/ex1/logs", NetsimDeviceLogs.LogDirectory(plan, plan.Devices[1]));
        Assert.Equal(["confd.log", "audit.log", "netconf.log"], NetsimDeviceLogs.Files);
    }

    private async Task<NsoResource> StartWithDevicesAsync(int waitStarts = 1)
    {
        var router = _packages.Create("router-nc-1.1");
        var nso = _h.Declare("nso-1", n => n.WithNetsimDevices(router, 2, "ex"));
        _h.Processes.Returns("--wait-started", [.. Enumerable.Repeat(OrchestrationHarness.Ok, waitStarts)]).StopsCleanly();
        await _h.PrepareAsync();
        await _h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await _h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);
        return nso;
    }

    /// <summary>A log line without the timestamp Aspire puts before it.</summary>
    private static string Message(LogLine line) => line.Content[(line.Content.IndexOf(' ', StringComparison.Ordinal) + 1)..];

    private static string LogFile(NsoResource nso, string device, string file)
    {
        var plan = nso.RequirePlan().Netsim!;
        return Path.Combine(NetsimDeviceLogs.LogDirectory(plan, plan.Devices.Single(d => d.Name == device)), file);
    }

    /// <summary>The resource's log, backlog first, up to the <paramref name="occurrence"/>th line with <paramref name="text"/>.</summary>
    private async Task<List<LogLine>> LinesUntilAsync(string resource, string text, int occurrence = 1)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HangGuard);
        var seen = new List<LogLine>();
        var found = 0;
        try
        {
            await foreach (var batch in _h.App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(timeout.Token))
            {
                foreach (var line in batch)
                {
                    seen.Add(line);
                    if (line.Content.Contains(text, StringComparison.Ordinal) && ++found == occurrence)
                    {
                        return seen;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"Waited for '{text}' (#{occurrence}) in the log of {resource}; saw:\n{string.Join('\n', seen.Select(l => l.Content))}");
    }
}
