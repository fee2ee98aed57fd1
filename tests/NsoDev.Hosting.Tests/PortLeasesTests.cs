using System.Diagnostics;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Tests;

public sealed class PortLeasesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nsodev-leases-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_second_planner_sees_the_ports_the_first_one_leased()
    {
        var leases = new PortLeases(_directory);
        using var first = leases.Plan(_ => [4569, 2022]);

        IReadOnlySet<int>? seen = null;
        using var second = leases.Plan(leased => { seen = leased; return [20000]; });

        Assert.Equal(new HashSet<int> { 4569, 2022 }, seen);
    }

    [Fact]
    public void A_disposed_lease_frees_its_ports()
    {
        var leases = new PortLeases(_directory);
        leases.Plan(_ => [4569]).Dispose();

        Assert.Empty(leases.ReadLiveLeases());
    }

    [Fact]
    public void A_lease_whose_process_died_is_ignored_and_removed()
    {
        var leases = new PortLeases(_directory);
        using (leases.Plan(_ => []))
        {
        }

        using var dead = Process.Start(new ProcessStartInfo("true"))!;
        dead.WaitForExit();
        var stale = Path.Combine(_directory, $"{dead.Id}-stale.lease");
        File.WriteAllText(stale, "4569\n");

        Assert.Empty(leases.ReadLiveLeases());
        Assert.False(File.Exists(stale));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_lease_directory_is_private_to_the_user()
    {
        using var lease = new PortLeases(_directory).Plan(_ => []);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
    }
}
