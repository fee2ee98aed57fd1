using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Tests.Netsim;

/// <summary>
/// Device ports come from the same planner as the instances' ports: five blocks of one port per device,
/// beside the instance blocks, never on a port an instance, another instance's devices, another app
/// host's lease or another process holds, and the same on every run while free.
/// </summary>
public sealed class NetsimPortPlanTests : IDisposable
{
    private readonly NedPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private static InstancePortRequest Request(string name, int devices, NetsimPorts? previous = null, int? netconf = null) =>
        new(name, new Dictionary<NsoPortKind, int?> { [NsoPortKind.Ipc] = null, [NsoPortKind.Netconf] = netconf, [NsoPortKind.Cli] = null }, NetsimDevices: devices, PreviousNetsim: previous);

    /// <summary>The five bases at one offset into the device ranges.</summary>
    private static Dictionary<NetsimPortKind, int> At(int offset) => new()
    {
        [NetsimPortKind.Ipc] = 15000 + offset,
        [NetsimPortKind.NetconfSsh] = 16000 + offset,
        [NetsimPortKind.NetconfTcp] = 17000 + offset,
        [NetsimPortKind.CliSsh] = 18000 + offset,
        [NetsimPortKind.Snmp] = 19000 + offset,
    };

    [Fact]
    public void Device_blocks_lie_beside_the_instance_block_one_port_per_device_of_each_kind()
    {
        var plan = new PortPlanner(new FakePortProbe()).Plan([Request("nso-1", devices: 3)]);

        var netsim = Assert.IsType<NetsimPorts>(plan[0].Netsim);
        Assert.Equal(At(0), netsim.Bases);
        Assert.Equal(3, netsim.Count);
        Assert.Equal([15000, 15001, 15002, 16000, 16001, 16002, 17000, 17001, 17002, 18000, 18001, 18002, 19000, 19001, 19002], netsim.All.Order());
        Assert.Empty(netsim.All.Intersect(plan[0].Ports.Values));
        Assert.Equal(16002, netsim.PortOf(NetsimPortKind.NetconfSsh, 2));
    }

    [Fact]
    public void An_instance_without_devices_gets_no_device_ports()
    {
        var plan = new PortPlanner(new FakePortProbe()).Plan([Request("nso-1", devices: 0)]);

        Assert.Null(plan[0].Netsim);
        Assert.Equal(plan[0].Ports.Values, plan[0].All);
    }

    [Fact]
    public void Two_instances_with_devices_get_disjoint_blocks_the_second_after_the_first()
    {
        var plan = new PortPlanner(new FakePortProbe()).Plan([Request("nso-1", devices: 3), Request("nso-2", devices: 2)]);

        Assert.Equal(At(0), plan[0].Netsim!.Bases);
        Assert.Equal(At(3), plan[1].Netsim!.Bases);
        var all = plan.SelectMany(p => p.All).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void A_busy_or_leased_port_in_any_kinds_run_moves_all_five_runs_to_the_next_free_offset()
    {
        // 17001 is some process's, 18003 another app host's: offsets 0-3 each hit one of them for 3 devices.
        var plan = new PortPlanner(new FakePortProbe(17001)).Plan([Request("nso-1", devices: 3)], new HashSet<int> { 18003 });

        Assert.Equal(At(4), plan[0].Netsim!.Bases);
    }

    [Fact]
    public void An_explicit_instance_port_inside_the_device_range_is_never_given_to_a_device()
    {
        var plan = new PortPlanner(new FakePortProbe()).Plan([Request("nso-1", devices: 2), Request("nso-2", devices: 0, netconf: 16001)]);

        Assert.Equal(16001, plan[1][NsoPortKind.Netconf]);
        Assert.Equal(At(2), plan[0].Netsim!.Bases);
    }

    [Fact]
    public void Last_runs_device_ports_are_kept_while_free_even_before_a_lower_free_offset()
    {
        var previous = new NetsimPorts(At(40), 3);

        var plan = new PortPlanner(new FakePortProbe()).Plan([Request("nso-1", devices: 3), Request("nso-2", devices: 3, previous: previous)]);

        Assert.Equal(At(0), plan[0].Netsim!.Bases);
        Assert.Equal(At(40), plan[1].Netsim!.Bases);
    }

    [Fact]
    public void A_kept_block_grows_in_place_when_more_devices_still_fit_and_moves_when_a_port_is_taken()
    {
        var previous = new NetsimPorts(At(10), 3);

        var grown = new PortPlanner(new FakePortProbe()).Plan([Request("nso-1", devices: 5, previous: previous)]);
        var moved = new PortPlanner(new FakePortProbe(19012)).Plan([Request("nso-1", devices: 3, previous: previous)]);

        Assert.Equal(At(10), grown[0].Netsim!.Bases);
        Assert.Equal(5, grown[0].Netsim!.Count);
        Assert.Equal(At(0), moved[0].Netsim!.Bases);
    }

    [Fact]
    public void No_free_run_for_the_devices_names_the_range_and_the_fix()
    {
        var everyIpcPort = Enumerable.Range(15000, 1000).Where(p => p % 2 == 0).ToArray();

        var error = Assert.Throws<PortPlanningException>(() => new PortPlanner(new FakePortProbe(everyIpcPort)).Plan([Request("nso-1", devices: 2)]));

        Assert.Equal("No free run of 2 ports per kind for the netsim devices of 'nso-1' in 15000-19999: busy ports, other instances' devices or other app hosts' leases fill it. Free some ports there, or declare fewer devices.", error.Message);
    }

    [Fact]
    public void A_second_app_host_plans_around_the_first_ones_device_lease()
    {
        var leases = new PortLeases(Path.Combine(_packages.Root, "leases"));
        var router = _packages.Create("router-nc-1.1");
        var first = DeclaredWithDevices("a", router, 3);
        var second = DeclaredWithDevices("b", router, 3);

        var (firstPlans, firstLease) = new NsoPlanner(new FakePortProbe(), leases).Plan([first], Path.Combine(_packages.Root, "run-a"), Template());
        using (firstLease)
        {
            var (secondPlans, secondLease) = new NsoPlanner(new FakePortProbe(), leases).Plan([second], Path.Combine(_packages.Root, "run-b"), Template());
            using (secondLease)
            {
                Assert.Equal(At(0), firstPlans[0].Netsim!.Ports.Bases);
                Assert.Equal(At(3), secondPlans[0].Netsim!.Ports.Bases);
                Assert.Contains(15002, firstLease.Ports);
                Assert.Contains(19002, firstLease.Ports);
                Assert.Empty(firstLease.Ports.Intersect(secondLease.Ports));
            }
        }
    }

    [Fact]
    public void The_planner_reads_last_runs_device_ports_from_the_network_record_and_keeps_them()
    {
        var router = _packages.Create("router-nc-1.1");
        var runRoot = Path.Combine(_packages.Root, "run");
        var leases = new PortLeases(Path.Combine(_packages.Root, "leases"));
        var nso = DeclaredWithDevices("nso-1", router, 2);
        new RunDirectory(Path.Combine(runRoot, "nso-1")).WriteNetsimRecord(new NetsimRecord([new(router, 2, "ex")], new NetsimPorts(At(77), 2).ByName, ["/opt/nso/bin/ncs-netsim"]));

        var (plans, lease) = new NsoPlanner(new FakePortProbe(), leases).Plan([nso], runRoot, Template());
        using (lease)
        {
            var netsim = Assert.IsType<NetsimPlan>(plans[0].Netsim);
            Assert.Equal(At(77), netsim.Ports.Bases);
            Assert.Equal(Path.Combine(runRoot, "nso-1", "netsim"), netsim.Directory);
            Assert.Equal(["ex0", "ex1"], netsim.Devices.Select(d => d.Name));
            Assert.Equal(16078, netsim.Devices[1].NetconfPort);
            Assert.Contains(router, plans[0].Packages);
        }
    }

    [Fact]
    public void Devices_of_several_neds_follow_on_from_one_another_in_one_block()
    {
        var router = _packages.Create("router-nc-1.1");
        var switches = _packages.Create("switch-nc-1.0");
        var builder = DistributedApplication.CreateBuilder([]);
        var nso = builder.AddNso("nso-1").WithRunDirectory(Path.Combine(_packages.Root, "run", "nso-1")).WithNetsimDevices(router, 2, "ex").WithNetsimDevices(switches, 3, "sw");

        var (plans, lease) = new NsoPlanner(new FakePortProbe(), new PortLeases(Path.Combine(_packages.Root, "leases"))).Plan([nso.Resource], Path.Combine(_packages.Root, "run"), Template());
        using (lease)
        {
            var netsim = plans[0].Netsim!;
            Assert.Equal(5, netsim.Ports.Count);
            Assert.Equal(
                [("ex0", 16000, 18000), ("ex1", 16001, 18001), ("sw0", 16002, 18002), ("sw1", 16003, 18003), ("sw2", 16004, 18004)],
                netsim.Devices.Select(d => (d.Name, d.NetconfPort, d.CliPort)));
            Assert.Equal([router, switches], plans[0].Packages);
        }
    }

    private static NsoResource DeclaredWithDevices(string name, string package, int count)
    {
        var builder = DistributedApplication.CreateBuilder([]);
        return builder.AddNso(name).WithNetsimDevices(package, count, "ex").Resource;
    }

    private NcsConfTemplate.SingleFile Template() => new NcsConfTemplate.SingleFile(Path.Combine(_packages.Root, "ncs.conf"));
}
