using System.Globalization;
using System.Xml.Linq;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Tests.Orchestration;

namespace NsoDev.Hosting.Tests.Netsim;

/// <summary>
/// The real-NSO path of an instance's devices, against a fake <c>$NCS_DIR/bin/ncs-netsim</c> that records
/// its arguments and environment: the network is created on the planned ports before the instance first
/// starts, its init data lands in ncs-cdb/ before the daemon runs, and start, is-alive, stop and reset reach
/// ncs-netsim with the instance's own. The ncs daemon itself is the harness's fake.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NetsimLifecycleTests : IAsyncDisposable
{
    private static readonly TimeSpan HangGuard = OrchestrationHarness.HangGuard;

    private readonly OrchestrationHarness _h = new();
    private readonly NedPackages _packages = new();
    private readonly FakeNcsNetsim _netsim;

    public NetsimLifecycleTests()
    {
        _netsim = new FakeNcsNetsim(Path.Combine(_h.NcsDir, "bin", "ncs-netsim"));
        _h.Processes.RunsForReal = spec => spec.FileName == _netsim.Path;
        _h.Processes.Returns("--version", new ProcessResult(0, "6.5\n", ""));
    }

    public async ValueTask DisposeAsync()
    {
        await _h.DisposeAsync();
        _packages.Dispose();
    }

    /// <summary>nso-1 with one device, whose CDB already has data (so NSO will not load the device's init file), for two starts.</summary>
    private async Task<(NsoResource Nso, string Cdb)> DeclareWithCdbDataAsync()
    {
        var router = _packages.Create("router-nc-1.1");
        var nso = _h.Declare("nso-1", n => n.WithNetsimDevices(router, 1, "ex"));
        var cdb = Path.Combine(_h.Root, "run", "nso-1", "ncs-cdb");
        Directory.CreateDirectory(cdb);
        await File.WriteAllTextAsync(Path.Combine(cdb, "A.cdb"), "data", TestContext.Current.CancellationToken);
        _h.Processes.Returns("--wait-started", OrchestrationHarness.Ok, OrchestrationHarness.Ok).StopsCleanly();
        return (nso, cdb);
    }

    private async Task<NsoResource> StartWithDevicesAsync(int waitStarts = 1)
    {
        var router = _packages.Create("router-nc-1.1");
        var switches = _packages.Create("switch-nc-1.0");
        var nso = _h.Declare("nso-1", n => n.WithNetsimDevices(router, 2, "ex").WithNetsimDevices(switches, 1, "sw"));
        _h.Processes.Returns("--wait-started", [.. Enumerable.Repeat(OrchestrationHarness.Ok, waitStarts)]).StopsCleanly();
        await _h.PrepareAsync();
        await _h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await _h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);
        return nso;
    }

    [Fact]
    public async Task The_first_start_creates_the_network_on_the_planned_bases_then_writes_the_init_file_then_starts_nso_and_the_devices()
    {
        var initFileAtDaemonStart = (bool?)null;
        var netsimCallsAtDaemonStart = -1;
        _h.Processes.OnCall = spec =>
        {
            if (spec.Arguments.Contains("--foreground"))
            {
                initFileAtDaemonStart = File.Exists(Path.Combine(_h.Root, "run", "nso-1", "ncs-cdb", "netsim_devices_init.xml"));
                netsimCallsAtDaemonStart = _netsim.Calls().Count;
            }
        };

        var nso = await StartWithDevicesAsync();
        await WaitForVerbAsync("is-alive");

        var plan = nso.RequirePlan();
        var netsimDir = Path.Combine(_h.Root, "run", "nso-1", "netsim");
        var calls = _netsim.Calls();
        var router = Path.Combine(_packages.Root, "router-nc-1.1");
        var switches = Path.Combine(_packages.Root, "switch-nc-1.0");
        Assert.Equal(
            [
                ["--dir", netsimDir, "create-network", router, "2", "ex"],
                ["--dir", netsimDir, "add-to-network", switches, "1", "sw"],
                ["--dir", netsimDir, "ncs-xml-init"],
                ["--dir", netsimDir, "start"],
                ["--dir", netsimDir, "is-alive"],
            ],
            calls.Select(c => c.Arguments.ToArray()));

        // The three before the daemon, the init file already in ncs-cdb/.
        Assert.Equal(3, netsimCallsAtDaemonStart);
        Assert.True(initFileAtDaemonStart);

        var bases = plan.Netsim!.Ports.Bases;
        foreach (var creation in calls.Take(2))
        {
            Assert.Equal(bases[NetsimPortKind.Ipc].ToString(CultureInfo.InvariantCulture), creation.Environment["IPC_PORT"]);
            Assert.Equal(bases[NetsimPortKind.NetconfSsh].ToString(CultureInfo.InvariantCulture), creation.Environment["NETCONF_SSH_PORT"]);
            Assert.Equal(bases[NetsimPortKind.NetconfTcp].ToString(CultureInfo.InvariantCulture), creation.Environment["NETCONF_TCP_PORT"]);
            Assert.Equal(bases[NetsimPortKind.CliSsh].ToString(CultureInfo.InvariantCulture), creation.Environment["CLI_SSH_PORT"]);
            Assert.Equal(bases[NetsimPortKind.Snmp].ToString(CultureInfo.InvariantCulture), creation.Environment["SNMP_PORT"]);
        }

        Assert.All(calls, c => Assert.Equal(_h.NcsDir, c.Environment["NCS_DIR"]));
        Assert.Equal(15000, bases[NetsimPortKind.Ipc]);

        var init = await File.ReadAllTextAsync(plan.RunDirectory.NetsimInitFile, TestContext.Current.CancellationToken);
        Assert.StartsWith("<devices xmlns=\"http://tail-f.com/ns/ncs\">", init, StringComparison.Ordinal);
        Assert.Contains("<name>sw0</name>", init, StringComparison.Ordinal);

        // The NEDs go on the load path as WithPackages' packages do.
        Assert.Equal(router, new DirectoryInfo(plan.RunDirectory.Combine("packages/router-nc-1.1")).LinkTarget);
        Assert.Equal(switches, new DirectoryInfo(plan.RunDirectory.Combine("packages/switch-nc-1.0")).LinkTarget);

        // Onboarded before Running, over the instance's NETCONF as admin: keys first, then the configurations.
        var running = await _h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);
        Assert.Equal(["fetch-ssh-host-keys", "sync-from"], _h.Northbound.ActionsSent);
        var target = _h.Northbound.Operations.First().Target;
        Assert.Equal(("127.0.0.1", plan.PortOf(NsoPortKind.Netconf), "admin"), (target.Host, (int?)target.Port, target.User));
        Assert.Equal("3 of 3 in sync", InstanceStartTests.Property(running, NsoResourceProperties.Devices));
        Assert.Equal("in sync", InstanceStartTests.Property(_h.States.Of("nso-1-sw0")[^1], NsoResourceProperties.DeviceSync));
    }

    [Fact]
    public async Task Stopping_the_instance_stops_its_devices_and_the_next_start_keeps_the_network()
    {
        var nso = await StartWithDevicesAsync(waitStarts: 2);
        var runner = _h.Fleet.GetRunner(nso)!;
        await WaitForVerbAsync("is-alive");

        await runner.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        Assert.Equal("stop", _netsim.Verbs().Last());
        Assert.Equal(1, _h.Processes.CountOf("--stop"));

        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await WaitForVerbAsync("is-alive", occurrence: 2);

        Assert.Equal(["create-network", "add-to-network", "ncs-xml-init", "start", "is-alive", "stop", "start", "is-alive"], _netsim.Verbs());
    }

    [Fact]
    public async Task Reset_resets_the_devices_between_the_stop_and_the_start_and_keeps_their_init_file()
    {
        var nso = await StartWithDevicesAsync(waitStarts: 2);
        var runner = _h.Fleet.GetRunner(nso)!;
        await WaitForVerbAsync("is-alive");

        await runner.ResetAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await WaitForVerbAsync("is-alive", occurrence: 2);

        Assert.Equal(["stop", "reset", "start", "is-alive"], _netsim.Verbs().Skip(5));
        Assert.True(File.Exists(nso.RequirePlan().RunDirectory.NetsimInitFile));
    }

    [Fact]
    public async Task The_app_host_stopping_stops_a_session_instances_devices()
    {
        await StartWithDevicesAsync();
        await WaitForVerbAsync("is-alive");

        var marker = Path.Combine(_h.Root, "run", "nso-1", "nsodev-netsim.started");
        Assert.True(File.Exists(marker));

        await _h.Fleet.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        Assert.Equal("stop", _netsim.Verbs().Last());
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task An_app_host_stopping_while_its_devices_start_lets_ncs_netsim_start_finish_then_stops_them()
    {
        await File.WriteAllTextAsync(_netsim.SlowStartFile, "", TestContext.Current.CancellationToken);
        var router = _packages.Create("router-nc-1.1");
        var nso = _h.Declare("nso-1", n => n.WithNetsimDevices(router, 2, "ex"));
        _h.Processes.Hangs("--wait-started").StopsCleanly();
        await _h.PrepareAsync();
        var start = _h.Fleet.StartInstanceAsync(nso);
        await WaitForVerbAsync("start");

        await _h.Fleet.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await start.WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        // A start cut short would leave devices that come up after the stop has looked for them.
        var log = _netsim.Log();
        var end = log.ToList().IndexOf("END start");
        Assert.True(end >= 0, $"ncs-netsim start was cut short:\n{string.Join('\n', log)}");
        Assert.Equal("stop", _netsim.Verbs().Last());
        Assert.Empty(Directory.GetFiles(nso.RequirePlan().Netsim!.Directory, "*.running"));
    }

    [Fact]
    public async Task Devices_a_killed_app_host_left_running_are_stopped_with_its_ncs_netsim_before_the_next_plan()
    {
        // What a killed app host leaves: the network, its record, and the started marker.
        var router = _packages.Create("router-nc-1.1");
        var run = new NsoDev.Hosting.Materialize.RunDirectory(Path.Combine(_h.Root, "run", "nso-1"));
        Directory.CreateDirectory(run.NetsimDirectory);
        await File.WriteAllTextAsync(Path.Combine(run.NetsimDirectory, ".devices"), "ex0\n", TestContext.Current.CancellationToken);
        run.WriteNetsimRecord(new(
            [new(router, 1, "ex")],
            new NetsimPorts(new Dictionary<NetsimPortKind, int> { [NetsimPortKind.Ipc] = 15000, [NetsimPortKind.NetconfSsh] = 16000, [NetsimPortKind.NetconfTcp] = 17000, [NetsimPortKind.CliSsh] = 18000, [NetsimPortKind.Snmp] = 19000 }, 1).ByName,
            [_netsim.Path],
            new Dictionary<string, string?> { ["NCS_DIR"] = _h.NcsDir }));
        await File.WriteAllTextAsync(run.NetsimStartedMarker, "", TestContext.Current.CancellationToken);
        _h.Declare("nso-1", n => n.WithNetsimDevices(router, 1, "ex"));
        // Before the plan: no lease is written yet when ncs-netsim stop runs.
        var leases = Path.Combine(_h.Root, "leases");
        bool? leasedAtStop = null;
        _h.Processes.OnCall = spec =>
        {
            if (spec.Arguments.Contains("stop"))
            {
                leasedAtStop = Directory.Exists(leases) && Directory.EnumerateFiles(leases, "*.lease").Any();
            }
        };

        await _h.PrepareAsync();

        var stop = Assert.Single(_netsim.Calls());
        Assert.Equal(["--dir", run.NetsimDirectory, "stop"], stop.Arguments);
        Assert.Equal(_h.NcsDir, stop.Environment["NCS_DIR"]);
        Assert.False(leasedAtStop);
        Assert.NotEmpty(Directory.EnumerateFiles(leases, "*.lease"));
        Assert.False(File.Exists(run.NetsimStartedMarker));
        Assert.Contains(_h.FleetLog.Lines.Items, e => e.Message.Contains($"The netsim devices in {run.NetsimDirectory} were left running by an earlier app host", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_network_recorded_on_other_ports_is_deleted_and_created_anew_on_the_planned_ones()
    {
        var nso = await StartWithDevicesAsync(waitStarts: 2);
        var runner = _h.Fleet.GetRunner(nso)!;
        await WaitForVerbAsync("is-alive");
        await runner.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        // As if the last run had planned other ports: its record says so.
        var run = nso.RequirePlan().RunDirectory;
        var record = run.ReadNetsimRecord()!;
        run.WriteNetsimRecord(record with { Bases = new NetsimPorts(record.Ports!.Bases.ToDictionary(b => b.Key, b => b.Value + 500), record.DeviceCount).ByName });

        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await WaitForVerbAsync("is-alive", occurrence: 2);

        Assert.Equal(["delete-network", "create-network", "add-to-network", "ncs-xml-init", "start", "is-alive"], _netsim.Verbs().Skip(6));
        Assert.Equal(nso.RequirePlan().Netsim!.Ports.ByName, run.ReadNetsimRecord()!.Bases);
    }

    [Fact]
    public async Task A_device_that_is_not_alive_is_named_in_the_log_and_on_the_dashboard_and_nso_keeps_running()
    {
        await File.WriteAllTextAsync(_netsim.FailingDevicesFile, "ex1\n", TestContext.Current.CancellationToken);
        _h.Northbound.Failing["ex1"] = "Failed to connect to device ex1: connection refused";

        await StartWithDevicesAsync();

        var line = await _h.WaitForResourceLogAsync("nso-1", "Netsim devices ex1 are not alive");
        Assert.Contains("check that no other process holds their ports", line, StringComparison.Ordinal);
        // Running comes after the devices' check, and keeps what it said.
        var running = await _h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);
        Assert.Equal("2 of 3 in sync (not: ex1)", InstanceStartTests.Property(running, NsoResourceProperties.Devices));
        var failed = await _h.States.WaitForStateAsync("nso-1-ex1", KnownResourceStates.FailedToStart);
        Assert.Equal("not in sync: Failed to connect to device ex1: connection refused", InstanceStartTests.Property(_h.States.Of("nso-1-ex1")[^1], NsoResourceProperties.DeviceSync));
        Assert.Contains("Netsim device ex1 of nso-1 is not in sync: Failed to connect to device ex1: connection refused", await _h.WaitForResourceLogAsync("nso-1", "is not in sync"), StringComparison.Ordinal);
        Assert.Equal(KnownResourceStateStyles.Error, failed.State?.Style);
        Assert.Equal(KnownResourceStates.Running, _h.States.Of("nso-1-ex0")[^1].State?.Text);
    }

    [Fact]
    public async Task A_network_ncs_netsim_cannot_create_fails_the_start_with_its_output_before_any_daemon_runs()
    {
        var router = _packages.Create("router-nc-1.1");
        var nso = _h.Declare("nso-1", n => n.WithNetsimDevices(router, 2, "ex"));
        await _h.PrepareAsync();
        File.Delete(Path.Combine(router, "package-meta-data.xml"));

        await _h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var failed = await _h.States.WaitForStateAsync("nso-1", KnownResourceStates.FailedToStart);

        var reason = InstanceStartTests.Property(failed, NsoResourceProperties.Failure);
        Assert.Contains($"failed to create the devices 'ex' of nso-1 from {router} with exit code 1: *** no package {router}", reason, StringComparison.Ordinal);
        Assert.Contains("Check the package", reason, StringComparison.Ordinal);
        Assert.Empty(_h.Processes.Daemons.Items);
    }

    [Fact]
    public async Task New_devices_for_an_instance_that_has_cdb_data_are_merged_into_its_running_configuration_after_start_once()
    {
        var (nso, cdb) = await DeclareWithCdbDataAsync();
        await _h.PrepareAsync();

        await _h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        await _h.WaitForResourceLogAsync("nso-1", "already has CDB data, so NSO will not load the new device init file");
        await _h.WaitForResourceLogAsync("nso-1", "Merged the devices' init data");
        Assert.True(File.Exists(Path.Combine(cdb, "netsim_devices_init.xml")));

        // NSO-NOTES §12: the init file's devices, merged into running, before the actions.
        Assert.Equal(["edit-config", "fetch-ssh-host-keys", "sync-from"], _h.Northbound.ActionsSent);
        var edit = _h.Northbound.Operations.First().Operation;
        XNamespace nc = "urn:ietf:params:xml:ns:netconf:base:1.0";
        Assert.Equal("merge", edit.Element(nc + "default-operation")?.Value);
        Assert.NotNull(edit.Element(nc + "target")?.Element(nc + "running"));
        var merged = Assert.Single(edit.Element(nc + "config")!.Elements());
        Assert.Equal(XName.Get("devices", "http://tail-f.com/ns/ncs"), merged.Name);
        Assert.Equal("ex0", merged.Descendants(XName.Get("name", "http://tail-f.com/ns/ncs")).First().Value);

        // Merged once: a restart with the same init data does not merge it again.
        Assert.False(File.Exists(nso.RequirePlan().RunDirectory.NetsimMergePendingMarker));
        await _h.Fleet.GetRunner(nso)!.RestartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        Assert.Equal(["edit-config", "fetch-ssh-host-keys", "sync-from", "fetch-ssh-host-keys", "sync-from"], _h.Northbound.ActionsSent);
    }

    [Fact]
    public async Task A_merge_that_could_not_run_is_tried_again_at_the_next_start()
    {
        var (nso, _) = await DeclareWithCdbDataAsync();
        _h.Northbound.Unreachable = "Could not open NETCONF 127.0.0.1:2022 as admin: Connection refused";
        await _h.PrepareAsync();

        await _h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var running = await _h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);

        // NSO runs; each device says why it is not in sync, and the merge is still owed.
        Assert.Equal("0 of 1 in sync (not: ex0)", InstanceStartTests.Property(running, NsoResourceProperties.Devices));
        Assert.Equal("not in sync: Could not open NETCONF 127.0.0.1:2022 as admin: Connection refused", InstanceStartTests.Property(_h.States.Of("nso-1-ex0")[^1], NsoResourceProperties.DeviceSync));
        Assert.True(File.Exists(nso.RequirePlan().RunDirectory.NetsimMergePendingMarker));

        _h.Northbound.Unreachable = null;
        await _h.Fleet.GetRunner(nso)!.RestartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        Assert.Equal(["edit-config", "fetch-ssh-host-keys", "sync-from"], _h.Northbound.ActionsSent);
        Assert.False(File.Exists(nso.RequirePlan().RunDirectory.NetsimMergePendingMarker));
        var again = await _h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running, occurrence: 2);
        Assert.Equal("1 of 1 in sync", InstanceStartTests.Property(again, NsoResourceProperties.Devices));
    }

    [Fact]
    public async Task Each_device_is_a_child_of_its_instance_running_with_active_urls_its_ports_and_its_cli_command_line()
    {
        var nso = await StartWithDevicesAsync();

        var device = await _h.States.WaitForStateAsync("nso-1-ex1", KnownResourceStates.Running);

        var resource = Assert.Single(_h.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<NetsimDeviceResource>(), d => d.Name == "nso-1-ex1");
        Assert.Same(nso, resource.Instance);
        Assert.Contains(resource.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent" && ReferenceEquals(r.Resource, nso));
        var planned = nso.RequirePlan().Netsim!.Devices[1];
        Assert.Equal(
            [("netconf", $"ssh://127.0.0.1:{planned.NetconfPort}", $"NETCONF (port {planned.NetconfPort})", false), ("cli", $"ssh://127.0.0.1:{planned.CliPort}", $"CLI (port {planned.CliPort})", false)],
            device.Urls.Select(u => (u.Name, u.Url, u.DisplayProperties.DisplayName, u.IsInactive)));
        Assert.Equal(16001, planned.NetconfPort);
        Assert.Equal("Netsim device", device.ResourceType);
        Assert.Equal("ipc 15001, netconf 16001, netconf-tcp 17001, cli 18001, snmp 19001", InstanceStartTests.Property(device, NsoResourceProperties.DevicePorts));
        Assert.Equal(
            $"NCS_DIR='{_h.NcsDir}' '{_netsim.Path}' --dir '{nso.RequirePlan().Netsim!.Directory}' cli ex1",
            InstanceStartTests.Property(device, NsoResourceProperties.DeviceCli));
        Assert.Equal(16001, resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "netconf").AllocatedEndpoint!.Port);
        var cli = await _h.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, "netsim-cli-command", TestContext.Current.CancellationToken);
        Assert.True(cli.Success, cli.Message);
        Assert.Equal($"Run in a shell: {InstanceStartTests.Property(device, NsoResourceProperties.DeviceCli)}", cli.Message);

        await _h.Fleet.GetRunner(nso)!.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var stopped = await _h.States.WaitForStateAsync("nso-1-ex1", KnownResourceStates.Finished);
        Assert.All(stopped.Urls, u => Assert.True(u.IsInactive));
    }

    [Fact]
    public async Task A_devices_stop_and_start_commands_reach_ncs_netsim_for_that_device_alone()
    {
        var nso = await StartWithDevicesAsync();
        await _h.States.WaitForStateAsync("nso-1-ex1", KnownResourceStates.Running);
        var device = _h.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<NetsimDeviceResource>().Single(d => d.Name == "nso-1-ex1");

        var stop = await _h.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(device, "netsim-stop", TestContext.Current.CancellationToken).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        var finished = await _h.States.WaitForStateAsync("nso-1-ex1", KnownResourceStates.Finished);

        Assert.True(stop.Success, stop.Message);
        var netsimDir = nso.RequirePlan().Netsim!.Directory;
        Assert.Equal(["--dir", netsimDir, "stop", "ex1"], _netsim.Calls()[^2].Arguments);
        Assert.Equal("is-alive", _netsim.Calls()[^1].Verb);
        Assert.Equal(KnownResourceStateStyles.Info, finished.State?.Style);
        Assert.Equal(KnownResourceStates.Running, _h.States.Of("nso-1-ex0")[^1].State?.Text);
        await _h.States.WaitForPropertyAsync("nso-1", NsoResourceProperties.Devices, "2 of 3 in sync (not: ex1)");
        await _h.States.WaitForPropertyAsync("nso-1-ex1", NsoResourceProperties.DeviceSync, "not in sync: stopped");
        var actionsBefore = _h.Northbound.ActionsSent.Count();
        var inSyncBefore = _h.States.CountWithProperty("nso-1", NsoResourceProperties.Devices, "3 of 3 in sync");

        var start = await _h.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(device, "netsim-start", TestContext.Current.CancellationToken).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await _h.States.WaitForStateAsync("nso-1-ex1", KnownResourceStates.Running, occurrence: 2);

        Assert.True(start.Success, start.Message);
        Assert.Equal(["--dir", netsimDir, "start", "ex1"], _netsim.Calls()[^2].Arguments);

        // Started again, it is synced again.
        Assert.Equal(["fetch-ssh-host-keys", "sync-from"], _h.Northbound.ActionsSent.Skip(actionsBefore));
        await _h.States.WaitForPropertyAsync("nso-1", NsoResourceProperties.Devices, "3 of 3 in sync", inSyncBefore + 1);
    }

    [Fact]
    public async Task The_sync_devices_command_runs_the_actions_again_and_reports_each_failure()
    {
        var nso = await StartWithDevicesAsync();
        await _h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);
        _h.Northbound.Failing["sw0"] = "Failed to authenticate towards device sw0: Permission denied";

        var result = await _h.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(nso, "nso-sync-devices", TestContext.Current.CancellationToken).WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal("2 of 3 devices in sync. sw0: Failed to authenticate towards device sw0: Permission denied", result.Message);
        Assert.Equal(["fetch-ssh-host-keys", "sync-from", "fetch-ssh-host-keys", "sync-from"], _h.Northbound.ActionsSent);
        await _h.States.WaitForPropertyAsync("nso-1", NsoResourceProperties.Devices, "2 of 3 in sync (not: sw0)");
    }

    [Fact]
    public async Task A_left_network_whose_ncs_netsim_is_gone_is_logged_and_planning_goes_on_and_it_is_created_anew()
    {
        var router = _packages.Create("router-nc-1.1");
        var gone = Path.Combine(_h.Root, "old-nso", "bin", "ncs-netsim");
        _h.Processes.RunsForReal = spec => spec.FileName == _netsim.Path || spec.FileName == gone;
        var run = new NsoDev.Hosting.Materialize.RunDirectory(Path.Combine(_h.Root, "run", "nso-1"));
        Directory.CreateDirectory(run.NetsimDirectory);
        run.WriteNetsimRecord(new([new(router, 1, "ex")], new NetsimPorts(new Dictionary<NetsimPortKind, int> { [NetsimPortKind.Ipc] = 15000, [NetsimPortKind.NetconfSsh] = 16000, [NetsimPortKind.NetconfTcp] = 17000, [NetsimPortKind.CliSsh] = 18000, [NetsimPortKind.Snmp] = 19000 }, 1).ByName, [gone]));
        await File.WriteAllTextAsync(run.NetsimStartedMarker, "", TestContext.Current.CancellationToken);
        var nso = _h.Declare("nso-1", n => n.WithNetsimDevices(router, 1, "ex"));
        _h.Processes.Returns("--wait-started", OrchestrationHarness.Ok);

        await _h.PrepareAsync();
        await _h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await _h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);

        Assert.Contains(_h.FleetLog.Lines.Items, e => e.Message.Contains($"Could not run `{gone}` to stop the devices in {run.NetsimDirectory}", StringComparison.Ordinal));
        await _h.WaitForResourceLogAsync("nso-1", $"Could not run `{gone}` to delete the old network");
        Assert.Equal(["create-network", "ncs-xml-init", "start", "is-alive"], _netsim.Verbs());
        Assert.Equal([_netsim.Path], run.ReadNetsimRecord()!.Command);
    }

    [Fact]
    public async Task Without_data_persistence_every_start_resets_the_kept_network_before_starting_it()
    {
        var router = _packages.Create("router-nc-1.1");
        var nso = _h.Declare("nso-1", n => n.WithNetsimDevices(router, 1, "ex").WithDataPersistence(false));
        _h.Processes.Returns("--wait-started", OrchestrationHarness.Ok, OrchestrationHarness.Ok).StopsCleanly();
        await _h.PrepareAsync();
        await _h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await WaitForVerbAsync("is-alive");
        var runner = _h.Fleet.GetRunner(nso)!;
        await runner.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        await runner.StartAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await WaitForVerbAsync("is-alive", occurrence: 2);

        Assert.Equal(["create-network", "ncs-xml-init", "start", "is-alive", "stop", "reset", "start", "is-alive"], _netsim.Verbs());
    }

    [Fact]
    public async Task A_persistent_instance_leaves_its_devices_running_when_the_app_host_stops()
    {
        var router = _packages.Create("router-nc-1.1");
        var nso = _h.Declare("nso-1", n => n.WithNetsimDevices(router, 1, "ex").WithLifetime(Lifetime.Persistent));
        _h.Processes.Returns("--wait-started", OrchestrationHarness.Ok);
        await _h.PrepareAsync();
        await _h.Fleet.StartInstanceAsync(nso).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await WaitForVerbAsync("is-alive");

        await _h.Fleet.StopAsync(CancellationToken.None).WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        Assert.DoesNotContain("stop", _netsim.Verbs());
        Assert.True(File.Exists(nso.RequirePlan().RunDirectory.NetsimStartedMarker));
    }

    [Fact]
    public async Task A_start_that_hangs_past_its_timeout_is_logged_with_what_to_look_at_and_nso_still_runs()
    {
        await File.WriteAllTextAsync(_netsim.HangOnStartFile, "", TestContext.Current.CancellationToken);
        var router = _packages.Create("router-nc-1.1");
        var nso = _h.Declare("nso-1", n => n.WithNetsimDevices(router, 3, "ex").WithStartupTimeout(TimeSpan.FromSeconds(20)));
        _h.Processes.Returns("--wait-started", OrchestrationHarness.Ok);
        await _h.PrepareAsync();

        var start = _h.Fleet.StartInstanceAsync(nso);
        await _h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(23));
        _h.Time.Advance(TimeSpan.FromSeconds(23));
        await start.WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        await _h.States.WaitForStateAsync("nso-1", KnownResourceStates.Running);
        var line = await _h.WaitForResourceLogAsync("nso-1", "did not end within 23 s");
        Assert.Contains($"--dir {nso.RequirePlan().Netsim!.Directory} start", line, StringComparison.Ordinal);
        Assert.Contains("or raise WithStartupTimeout", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_simulator_runs_netsim_as_a_verb_of_nso_sim_and_nso_runs_ncs_netsim_beside_ncs()
    {
        var simulator = NetsimCommand.Of(new NcsEngine("/opt/nsodev/nso-sim", new Ipc.NsoRelease(6, 5), IsSimulator: true));
        var nso = NetsimCommand.Of(new NcsEngine("/opt/nso-6.5/bin/ncs", new Ipc.NsoRelease(6, 5), IsSimulator: false));

        Assert.Equal(["/opt/nsodev/nso-sim", "netsim"], simulator.CommandLine);
        Assert.Equal(["/opt/nso-6.5/bin/ncs-netsim"], nso.CommandLine);
    }

    private async Task WaitForVerbAsync(string verb, int occurrence = 1)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HangGuard);
        while (_netsim.Verbs().Count(v => v == verb) < occurrence)
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
