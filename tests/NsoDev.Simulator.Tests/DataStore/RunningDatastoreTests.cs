using System.Xml.Linq;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Tests.DataStore;

/// <summary>Persistence in cdb/db-dir, init files, the global lock, and concurrent edits.</summary>
public sealed class RunningDatastoreTests : IDisposable
{
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";

    private readonly string _dbDir = Directory.CreateTempSubdirectory("nso-sim-cdb-").FullName;

    public void Dispose() => Directory.Delete(_dbDir, recursive: true);

    private static XElement EditOf(string data) =>
        XElement.Parse($"<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">{data}</config>");

    private static XElement Device(string name) =>
        EditOf($"<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>{name}</name></device></devices>");

    private static string[] DeviceNames(RunningDatastore datastore) =>
        [.. datastore.Current.Nodes.Elements(Ncs + "device").Select(d => (string)d.Element(Ncs + "name")!)];

    private string RunningPath => Path.Combine(_dbDir, RunningFile.FileName);

    [Fact]
    public void An_edit_survives_a_restart()
    {
        RunningDatastore.Open(_dbDir).Edit(1, Device("ce0"), EditOperation.Merge);

        Assert.Equal(["ce0"], DeviceNames(RunningDatastore.Open(_dbDir)));
    }

    [Fact]
    public void A_tmp_file_left_by_a_crash_is_ignored_and_removed_and_the_old_file_is_intact()
    {
        RunningDatastore.Open(_dbDir).Edit(1, Device("ce0"), EditOperation.Merge);
        var crashed = RunningPath + ".tmp";
        File.WriteAllText(crashed, "<config xmlns=\"http://tail-f.com/ns/config/1.0\"><devices xmlns=\"http://tail-f.com/ns/ncs\"><dev");

        var reopened = RunningDatastore.Open(_dbDir);

        Assert.Equal(["ce0"], DeviceNames(reopened));
        Assert.False(File.Exists(crashed));
    }

    [Fact]
    public void A_save_leaves_only_running_xml_and_no_tmp_file()
    {
        var datastore = RunningDatastore.Open(_dbDir);
        datastore.Edit(1, Device("ce0"), EditOperation.Merge);
        datastore.Edit(1, Device("ce1"), EditOperation.Merge);

        Assert.Equal([RunningFile.FileName], Directory.GetFiles(_dbDir).Select(Path.GetFileName));
        Assert.Equal(["ce0", "ce1"], DeviceNames(RunningDatastore.Open(_dbDir)));
    }

    [Fact]
    public void Init_files_are_merged_in_name_order_on_a_first_start()
    {
        File.WriteAllText(Path.Combine(_dbDir, "b.xml"), "<config xmlns=\"http://tail-f.com/ns/config/1.0\"><devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce1</name></device></devices></config>");
        File.WriteAllText(Path.Combine(_dbDir, "a.xml"), "<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce0</name></device></devices>");

        Assert.Equal(["ce0", "ce1"], DeviceNames(RunningDatastore.Open(_dbDir)));
    }

    [Fact]
    public void Init_files_are_not_read_again_once_running_xml_exists()
    {
        RunningDatastore.Open(_dbDir).Edit(1, Device("ce0"), EditOperation.Merge);
        File.WriteAllText(Path.Combine(_dbDir, "late.xml"), "<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>late</name></device></devices>");

        Assert.Equal(["ce0"], DeviceNames(RunningDatastore.Open(_dbDir)));
    }

    [Fact]
    public void Init_path_directories_are_read_before_db_dir_and_a_missing_one_is_skipped()
    {
        var initDir = Directory.CreateDirectory(Path.Combine(_dbDir, "init")).FullName;
        File.WriteAllText(Path.Combine(initDir, "defaults.xml"), "<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce0</name><address>10.0.0.1</address></device><device><name>ce9</name></device></devices>");
        File.WriteAllText(Path.Combine(_dbDir, "devices.xml"), "<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>ce0</name><address>127.0.0.1</address></device></devices>");

        var datastore = RunningDatastore.Open(_dbDir, [Path.Combine(_dbDir, "no-such-dir"), initDir]);

        Assert.Equal(["ce0", "ce9"], DeviceNames(datastore));
        Assert.Equal("127.0.0.1", datastore.Current.Nodes.Elements(Ncs + "device").First().Element(Ncs + "address")?.Value);
    }

    [Fact]
    public void Nso_sims_own_var_ncs_cdb_on_the_init_path_gives_nsos_default_authgroup_and_another_missing_folder_gives_nothing()
    {
        var withDefaults = RunningDatastore.Open(_dbDir, [Path.Combine(AppContext.BaseDirectory, "var", "ncs", "cdb")]);
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dbDir, "other")).FullName;
        var without = RunningDatastore.Open(elsewhere, [Path.Combine(_dbDir, "var", "ncs", "cdb")]);

        var group = Assert.Single(withDefaults.Current.Nodes.DescendantsAndSelf(Ncs + "group"));
        Assert.Equal("default", group.Element(Ncs + "name")?.Value);
        Assert.Equal(
            [("admin", "admin", "admin"), ("oper", "oper", "oper")],
            group.Elements(Ncs + "umap").Select(u => (u.Element(Ncs + "local-user")?.Value, u.Element(Ncs + "remote-name")?.Value, u.Element(Ncs + "remote-password")?.Value)));
        Assert.Empty(without.Current.Nodes.DescendantsAndSelf(Ncs + "group"));
    }

    [Fact]
    public void A_malformed_init_file_is_reported_by_name()
    {
        File.WriteAllText(Path.Combine(_dbDir, "broken.xml"), "<devices>");

        var error = Assert.Throws<CdbLoadException>(() => RunningDatastore.Open(_dbDir));

        Assert.Contains("broken.xml", error.Message, StringComparison.Ordinal);
        Assert.Contains("move it out of cdb/db-dir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_db_dir_is_created()
    {
        var dbDir = Path.Combine(_dbDir, "ncs-cdb");

        RunningDatastore.Open(dbDir).Edit(1, Device("ce0"), EditOperation.Merge);

        Assert.True(File.Exists(Path.Combine(dbDir, RunningFile.FileName)));
    }

    [Fact]
    public void A_failed_edit_changes_nothing_in_memory_or_on_disk()
    {
        var datastore = RunningDatastore.Open(_dbDir);
        datastore.Edit(1, Device("ce0"), EditOperation.Merge);
        var before = File.ReadAllText(RunningPath);

        Assert.Throws<DataStoreException>(() => datastore.Edit(
            1,
            EditOf("<devices xmlns=\"http://tail-f.com/ns/ncs\" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><device><name>ce1</name></device><device nc:operation=\"delete\"><name>ce9</name></device></devices>"),
            EditOperation.Merge));

        Assert.Equal(["ce0"], DeviceNames(datastore));
        Assert.Equal(before, File.ReadAllText(RunningPath));
    }

    [Fact]
    public void A_lock_held_by_one_session_denies_another_and_names_the_holder()
    {
        var datastore = RunningDatastore.InMemory();
        datastore.Lock(7);

        var error = Assert.Throws<DataStoreException>(() => datastore.Lock(8));

        Assert.Equal(DataStoreError.LockDenied, error.Error);
        Assert.Equal([new KeyValuePair<string, string>("session-id", "7")], error.Info);
    }

    [Fact]
    public void Edits_from_other_sessions_are_in_use_while_locked_but_the_holder_may_edit()
    {
        var datastore = RunningDatastore.InMemory();
        datastore.Lock(7);

        var error = Assert.Throws<DataStoreException>(() => datastore.Edit(8, Device("ce1"), EditOperation.Merge));
        datastore.Edit(7, Device("ce0"), EditOperation.Merge);

        Assert.Equal(DataStoreError.InUse, error.Error);
        Assert.Equal(["ce0"], DeviceNames(datastore));
    }

    [Fact]
    public void Only_the_holder_can_unlock_and_a_released_lock_lets_others_in()
    {
        var datastore = RunningDatastore.InMemory();
        datastore.Lock(7);

        Assert.Equal(DataStoreError.OperationFailed, Assert.Throws<DataStoreException>(() => datastore.Unlock(8)).Error);
        Assert.True(datastore.ReleaseLock(7));
        datastore.Lock(8);

        Assert.Equal(8u, datastore.LockHolder);
    }

    [Fact]
    public void Concurrent_edits_from_many_sessions_are_all_kept()
    {
        var datastore = RunningDatastore.Open(_dbDir);

        Parallel.For(0, 40, i => datastore.Edit((uint)i + 1, Device($"ce{i}"), EditOperation.Merge));

        Assert.Equal(40, DeviceNames(datastore).Length);
        Assert.Equal(40, DeviceNames(RunningDatastore.Open(_dbDir)).Length);
    }

    [Fact]
    public void A_snapshot_taken_before_an_edit_does_not_change()
    {
        var datastore = RunningDatastore.InMemory();
        var before = datastore.Current;

        datastore.Edit(1, Device("ce0"), EditOperation.Merge);

        Assert.True(before.IsEmpty);
        Assert.False(datastore.Current.IsEmpty);
    }
}
