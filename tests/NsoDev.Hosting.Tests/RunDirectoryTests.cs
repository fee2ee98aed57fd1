using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Tests;

public sealed class RunDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nsodev-run-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_state_round_trips_and_a_damaged_file_reads_as_no_state()
    {
        var run = new RunDirectory(Path.Combine(_root, "nso-1"));
        Assert.Null(run.ReadState());

        var ports = new Dictionary<NsoPortKind, int> { [NsoPortKind.Ipc] = 4569, [NsoPortKind.Netconf] = 2022, [NsoPortKind.Cli] = 20002 };
        run.WriteState(RunState.From(ports, pid: null, "/x/nso-sim", new Dictionary<string, string?> { ["NCS_IPC_PORT"] = "4569", ["NCS_IPC_PATH"] = null }));
        run.RecordPid(4242);

        var state = run.ReadState()!;
        Assert.Equal(ports, state.PlannedPorts);
        Assert.Equal(4242, state.Pid);
        Assert.Equal("/x/nso-sim", state.Executable);
        Assert.Equal("4569", state.Environment["NCS_IPC_PORT"]);
        Assert.Null(state.Environment["NCS_IPC_PATH"]);

        Assert.DoesNotContain("PlannedPorts", File.ReadAllText(run.StateFile), StringComparison.Ordinal);

        File.WriteAllText(run.StateFile, "{ \"Ports\": { \"ipc\": ");
        Assert.Null(run.ReadState());
    }

    [Fact]
    public void Ports_the_state_names_wrongly_are_not_kept()
    {
        var run = new RunDirectory(Path.Combine(_root, "nso-1"));
        run.WriteState(new RunState(new Dictionary<string, int> { ["ipc"] = 4569, ["snmp"] = 161, ["cli"] = 70000 }, null, null, new Dictionary<string, string?>()));

        Assert.Equal(new Dictionary<NsoPortKind, int> { [NsoPortKind.Ipc] = 4569 }, run.ReadState()!.PlannedPorts);
    }

    [Fact]
    public void The_layout_is_the_one_ncs_setup_makes()
    {
        var run = new RunDirectory(Path.Combine(_root, "nso-1"));

        run.Create();

        foreach (var directory in new[] { "ncs-cdb", "logs", "state", "packages", "scripts/command", "scripts/post-commit", "ssh" })
        {
            Assert.True(Directory.Exists(run.Combine(directory)), directory);
        }
    }

    [Fact]
    public void Reset_wipes_cdb_files_rollbacks_logs_and_state_but_keeps_init_files()
    {
        var run = new RunDirectory(Path.Combine(_root, "nso-1"));
        run.Create();
        File.WriteAllText(run.Combine("ncs-cdb/A.cdb"), "data");
        File.WriteAllText(run.Combine("ncs-cdb/rollback10001"), "r");
        File.WriteAllText(run.Combine("ncs-cdb/devices-init.xml"), "<config/>");
        File.WriteAllText(run.Combine("logs/ncs.log"), "log");
        Directory.CreateDirectory(run.Combine("state/sub"));

        run.Reset();

        Assert.Equal(["devices-init.xml"], Directory.GetFiles(run.CdbDirectory).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateFileSystemEntries(run.LogsDirectory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(run.Combine("state")));
    }

    [Fact]
    public void Env_sh_exports_what_applies_and_unsets_the_rest()
    {
        var run = new RunDirectory(Path.Combine(_root, "nso-2"));
        run.Create();

        run.WriteEnvScript("nso-2", new Dictionary<string, string> { ["NCS_IPC_PATH"] = "/run/it's.sock", ["sname"] = "ncs_nso_2" });

        var text = File.ReadAllText(run.EnvScript);
        Assert.Contains("export NCS_IPC_PATH='/run/it'\\''s.sock'", text, StringComparison.Ordinal);
        Assert.Contains("unset NCS_IPC_PORT", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Packages_are_linked_into_packages_and_linking_again_is_harmless()
    {
        var package = Directory.CreateDirectory(Path.Combine(_root, "src", "router-nc-1.0")).FullName;
        var run = new RunDirectory(Path.Combine(_root, "nso-1"));
        run.Create();

        run.LinkPackages([package]);
        run.LinkPackages([package]);

        Assert.Equal(package, new DirectoryInfo(run.Combine("packages/router-nc-1.0")).LinkTarget);
    }
}
