using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Serve;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Netsim;

/// <summary>WithReference(device) gives a dependent the device's NETCONF and CLI endpoints; GetNetsimDevice finds it or names the ones there are.</summary>
public sealed class NetsimReferenceTests : IDisposable
{
    private readonly NedPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public async Task A_dependent_of_a_device_gets_its_netconf_and_cli_host_and_port_and_its_name_in_nso()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var nso = builder.AddNso("nso-1").WithRunDirectory(Path.Combine(_packages.Root, "run")).WithNetsimDevices(_packages.Create("router-nc-1.1"), 2, "ex");
        var planner = new NsoDev.Hosting.Plan.NsoPlanner(new FakePortProbe(), new NsoDev.Hosting.Plan.PortLeases(Path.Combine(_packages.Root, "leases")));
        var (plans, lease) = planner.Plan([nso.Resource], _packages.Root, new NsoDev.Hosting.Materialize.NcsConfTemplate.SingleFile("/t"));
        using var held = lease;
        NsoEndpoints.AllocateDevices(nso.Resource, plans[0]);
        var client = builder.AddExecutable("tester", "sh", ".").WithReference(nso.GetNetsimDevice("ex1"));

        var environment = await ReferenceContractTests.EnvironmentOf(client.Resource);

        Assert.Equal("127.0.0.1", environment["NSO_1_EX1_NETCONF_HOST"]);
        Assert.Equal("16001", environment["NSO_1_EX1_NETCONF_PORT"]);
        Assert.Equal("127.0.0.1", environment["NSO_1_EX1_CLI_HOST"]);
        Assert.Equal("18001", environment["NSO_1_EX1_CLI_PORT"]);
        Assert.Equal("ex1", environment["NSO_1_EX1_DEVICE"]);
        Assert.DoesNotContain(environment.Keys, k => k.StartsWith("NSO_1_EX0", StringComparison.Ordinal));
    }

    [Fact]
    public void Get_netsim_device_names_the_devices_there_are_or_says_to_declare_them()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var withDevices = builder.AddNso("nso-1").WithNetsimDevices(_packages.Create("router-nc-1.1"), 2, "ex");
        var without = builder.AddNso("nso-2");

        Assert.Equal("nso-1-ex0", withDevices.GetNetsimDevice("ex0").Resource.Name);
        var unknown = Assert.Throws<ArgumentException>(() => withDevices.GetNetsimDevice("ex7"));
        Assert.Contains("NSO instance 'nso-1' has no netsim device 'ex7'; its devices are ex0, ex1. Pass one of these names.", unknown.Message, StringComparison.Ordinal);
        var none = Assert.Throws<ArgumentException>(() => without.GetNetsimDevice("ex0"));
        Assert.Contains("Declare them first with WithNetsimDevices(package, count, prefix)", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cli_command_line_on_the_simulator_is_ssh_to_the_devices_cli_port()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var nso = builder.AddNso("nso-1").WithRunDirectory(Path.Combine(_packages.Root, "run")).WithNetsimDevices(_packages.Create("router-nc-1.1"), 1, "ex");
        var (plans, lease) = new NsoDev.Hosting.Plan.NsoPlanner(new FakePortProbe(), new NsoDev.Hosting.Plan.PortLeases(Path.Combine(_packages.Root, "leases"))).Plan([nso.Resource], _packages.Root, new NsoDev.Hosting.Materialize.NcsConfTemplate.SingleFile("/t"));
        using var held = lease;

        var command = NsoDashboard.DeviceCliCommand(plans[0], new NcsEngine("/opt/nsodev/nso-sim", new NsoRelease(6, 5), IsSimulator: true), plans[0].Netsim!.Devices[0]);

        Assert.Equal("ssh -p 18000 admin@127.0.0.1", command);
    }

    [Fact]
    public void A_published_app_host_leaves_the_devices_out_of_the_manifest_and_out_of_the_dependents_environment()
    {
        var builder = Orchestration.OrchestrationHarness.Declarations(publish: true);
        var nso = builder.AddNso("nso-1").WithNetsimDevices(_packages.Create("router-nc-1.1"), 1, "ex");
        var client = builder.AddExecutable("tester", "sh", ".").WithReference(nso.GetNetsimDevice("ex0"));

        Assert.Contains(nso.GetNetsimDevice("ex0").Resource.Annotations, a => a is ManifestPublishingCallbackAnnotation { Callback: null });
        Assert.DoesNotContain(client.Resource.Annotations, a => a is EnvironmentCallbackAnnotation);
    }
}
