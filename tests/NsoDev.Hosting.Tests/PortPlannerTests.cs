using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Tests;

public class PortPlannerTests
{
    private static InstancePortRequest Request(string name, int? ipc = null, int? netconf = null, int? cli = null, Dictionary<NsoPortKind, int>? previous = null) =>
        new(name, new Dictionary<NsoPortKind, int?> { [NsoPortKind.Ipc] = ipc, [NsoPortKind.Netconf] = netconf, [NsoPortKind.Cli] = cli }, previous);

    private static Dictionary<NsoPortKind, int> Ports(int ipc, int netconf, int cli) =>
        new() { [NsoPortKind.Ipc] = ipc, [NsoPortKind.Netconf] = netconf, [NsoPortKind.Cli] = cli };

    [Fact]
    public void An_instance_keeps_last_runs_ports_while_they_are_free_even_when_its_first_choice_is_free_again()
    {
        var plan = new PortPlanner(new FakePortProbe()).Plan([Request("nso-1", previous: Ports(23000, 23001, 23002))]);

        Assert.Equal(Ports(23000, 23001, 23002), plan[0].Ports);
    }

    [Fact]
    public void A_previous_port_that_is_busy_leased_or_reserved_is_planned_anew_and_the_others_are_kept()
    {
        var plan = new PortPlanner(new FakePortProbe(23001)).Plan(
            [Request("nso-1", previous: Ports(23000, 23001, 4570)), Request("nso-2", previous: Ports(24010, 24011, 24012))],
            new HashSet<int> { 24011 });

        Assert.Equal(Ports(23000, 2022, 2024), plan[0].Ports);
        Assert.Equal(Ports(24010, 20011, 24012), plan[1].Ports);
    }

    [Fact]
    public void Ports_bound_by_an_instances_own_left_running_daemon_count_as_free_for_it_alone()
    {
        // nso-1's persistent daemon still binds 23000-23002; nso-2 asks for 23001 explicitly.
        var probe = new FakePortProbe(23000, 23001, 23002);
        var own = new HashSet<int> { 23000, 23001, 23002 };
        var plan = new PortPlanner(probe).Plan([new InstancePortRequest("nso-1", Request("nso-1").Ports, Ports(23000, 23001, 23002), own)]);

        Assert.Equal(Ports(23000, 23001, 23002), plan[0].Ports);
        var error = Assert.Throws<PortPlanningException>(() => new PortPlanner(probe).Plan(
            [new InstancePortRequest("nso-1", Request("nso-1").Ports, Ports(23000, 23001, 23002), own), Request("nso-2", netconf: 23001)]));
        Assert.Contains("Port 23001 for 'nso-2' netconf is in use by another process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_previous_port_is_kept_before_another_instance_makes_its_first_choice()
    {
        // nso-2 had the stock NETCONF port last time (nso-1 was declared later); it keeps it, and nso-1 moves on.
        var plan = new PortPlanner(new FakePortProbe()).Plan([Request("nso-1"), Request("nso-2", previous: Ports(20010, 2022, 20012))]);

        Assert.Equal(Ports(4569, 20001, 2024), plan[0].Ports);
        Assert.Equal(Ports(20010, 2022, 20012), plan[1].Ports);
    }

    [Fact]
    public void An_explicit_port_wins_over_anothers_previous_port()
    {
        var plan = new PortPlanner(new FakePortProbe()).Plan([Request("nso-1", netconf: 23001), Request("nso-2", previous: Ports(23010, 23001, 23012))]);

        Assert.Equal(23001, plan[0][NsoPortKind.Netconf]);
        Assert.Equal(Ports(23010, 20011, 23012), plan[1].Ports);
    }

    private static InstancePortRequest[] Instances(int count) => Enumerable.Range(1, count).Select(i => Request($"nso-{i}")).ToArray();

    [Fact]
    public void The_first_instance_gets_nsos_stock_ports_when_they_are_free()
    {
        var plan = new PortPlanner(new FakePortProbe()).Plan(Instances(1));

        Assert.Equal(4569, plan[0][NsoPortKind.Ipc]);
        Assert.Equal(2022, plan[0][NsoPortKind.Netconf]);
        Assert.Equal(2024, plan[0][NsoPortKind.Cli]);
    }

    [Fact]
    public void A_busy_stock_port_moves_only_that_port_into_the_instance_block()
    {
        var plan = new PortPlanner(new FakePortProbe(2024)).Plan(Instances(1));

        Assert.Equal(4569, plan[0][NsoPortKind.Ipc]);
        Assert.Equal(20002, plan[0][NsoPortKind.Cli]);
    }

    [Fact]
    public void Later_instances_get_their_own_block_of_ten()
    {
        var plan = new PortPlanner(new FakePortProbe()).Plan(Instances(3));

        Assert.Equal([20010, 20011, 20012], [plan[1][NsoPortKind.Ipc], plan[1][NsoPortKind.Netconf], plan[1][NsoPortKind.Cli]]);
        Assert.Equal([20020, 20021, 20022], [plan[2][NsoPortKind.Ipc], plan[2][NsoPortKind.Netconf], plan[2][NsoPortKind.Cli]]);
    }

    [Fact]
    public void Sixteen_instances_get_distinct_ports()
    {
        var plan = new PortPlanner(new FakePortProbe(2024, 20012)).Plan(Instances(16));

        var ports = plan.SelectMany(p => p.Ports.Values).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.Equal(48, ports.Count);
    }

    [Fact]
    public void The_plan_is_the_same_on_every_run_while_the_ports_stay_free()
    {
        var probe = new FakePortProbe(2022, 20011);
        var first = new PortPlanner(probe).Plan(Instances(4));
        var second = new PortPlanner(probe).Plan(Instances(4));

        Assert.Equal(first.Select(p => p.Ports.OrderBy(k => k.Key).ToList()), second.Select(p => p.Ports.OrderBy(k => k.Key).ToList()));
    }

    [Fact]
    public void A_port_held_by_another_process_is_skipped_by_moving_up_a_band()
    {
        var plan = new PortPlanner(new FakePortProbe(20010)).Plan(Instances(2));

        Assert.Equal(21010, plan[1][NsoPortKind.Ipc]);
        Assert.Equal(20011, plan[1][NsoPortKind.Netconf]);
    }

    [Fact]
    public void Ports_leased_by_another_app_host_are_skipped()
    {
        var plan = new PortPlanner(new FakePortProbe()).Plan(Instances(1), new HashSet<int> { 4569, 2022 });

        Assert.Equal(20000, plan[0][NsoPortKind.Ipc]);
        Assert.Equal(20001, plan[0][NsoPortKind.Netconf]);
        Assert.Equal(2024, plan[0][NsoPortKind.Cli]);
    }

    [Fact]
    public void An_explicit_busy_port_names_the_port_and_how_to_find_its_holder()
    {
        var error = Assert.Throws<PortPlanningException>(() => new PortPlanner(new FakePortProbe(30000)).Plan([Request("nso-1", cli: 30000)]));

        Assert.Contains("Port 30000 for 'nso-1' cli is in use", error.Message, StringComparison.Ordinal);
        Assert.Contains("ss -ltnp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Planned_ports_avoid_explicit_ports_of_later_instances()
    {
        var plan = new PortPlanner(new FakePortProbe()).Plan([Request("a"), Request("b", ipc: 4569)]);

        Assert.Equal(20000, plan[0][NsoPortKind.Ipc]);
        Assert.Equal(4569, plan[1][NsoPortKind.Ipc]);
    }

    [Fact]
    public void Candidate_blocks_of_different_instances_never_overlap()
    {
        var all = Enumerable.Range(0, PortPlanner.MaxInstances)
            .SelectMany(i => Enum.GetValues<NsoPortKind>().SelectMany(k => PortPlanner.Candidates(i, k, stockFirst: i == 0)))
            .ToList();

        Assert.Equal(all.Count, all.Distinct().Count());
    }
}
