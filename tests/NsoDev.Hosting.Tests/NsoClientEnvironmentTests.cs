using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Reference;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests;

public class NsoClientEnvironmentTests
{
    private static Dictionary<string, object> Apply(NsoResource nso, IResource destination)
    {
        var variables = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), destination, variables);
        NsoClientEnvironment.Apply(context, nso, destination);
        return variables;
    }

    private static NsoResource Planned(NsoIpcEndpoint ipc, string? accessFile, NcsEngine? engine = null) => TestPlans.Planned(ipc, accessFile, engine);

    [Fact]
    public void An_executable_gets_the_plan_variables()
    {
        var variables = Apply(Planned(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), "/s/ipc_access"), new ExecutableResource("client", "sh", "."));

        Assert.Equal("127.0.0.1", variables["NCS_IPC_ADDR"]);
        Assert.Equal("20010", variables["NCS_IPC_PORT"]);
        Assert.Equal("/s/ipc_access", variables["NCS_IPC_ACCESS_FILE"]);
    }

    [Fact]
    public void An_executable_of_an_instance_simulating_an_older_release_is_told_that_release_and_others_are_not()
    {
        var simulator = new EngineChoice.Simulator(new NsoRelease(6, 2));
        var older = Planned(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), null, new NcsEngine("/x/nso-sim", new NsoRelease(6, 2), IsSimulator: true) { Environment = simulator.Environment });
        var automatic = Planned(new NsoIpcEndpoint.Tcp("127.0.0.1", 20020), null);

        Assert.Equal("6.2", Apply(older, new ExecutableResource("client", "sh", "."))["NSO_SIM_VERSION"]);
        Assert.False(Apply(automatic, new ExecutableResource("client", "sh", ".")).ContainsKey("NSO_SIM_VERSION"));
    }

    [Fact]
    public void An_executable_gets_the_engines_installation_and_ncs_program()
    {
        var variables = Apply(Planned(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), null), new ExecutableResource("client", "sh", "."));

        Assert.Equal("/opt/nso", variables["NCS_DIR"]);
        Assert.Equal("/opt/nso/bin/ncs", variables[NsoClientEnvironment.NcsExecutableVariable]);
        Assert.Equal("6.5", variables["NsoDev__Ipc__Release"]);
    }

    [Fact]
    public void A_container_reaches_a_host_address_and_reads_the_mounted_secret()
    {
        var variables = Apply(Planned(new NsoIpcEndpoint.Tcp("0.0.0.0", 20010), "/s/ipc_access"), new ContainerResource("client"));

        Assert.Equal(NsoConnection.ContainerHostAddress, variables["NCS_IPC_ADDR"]);
        Assert.Equal("20010", variables["NCS_IPC_PORT"]);
        Assert.Equal("/run/nsodev/nso-1/ipc_access", variables["NCS_IPC_ACCESS_FILE"]);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("0.0.0.0", false)]
    public void A_container_cannot_reference_loopback_ipc_or_ipc_without_the_access_check(string address, bool accessCheck)
    {
        var nso = Planned(new NsoIpcEndpoint.Tcp(address, 20010), accessCheck ? "/s/ipc_access" : null);

        var error = Assert.Throws<InvalidOperationException>(() => Apply(nso, new ContainerResource("client")));

        Assert.Contains("WithIpcAccessCheck().WithTcpIpc(address: \"0.0.0.0\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_container_cannot_reference_a_unix_socket()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Apply(Planned(new NsoIpcEndpoint.UnixSocket("/run/x.sock"), null), new ContainerResource("client")));

        Assert.Contains("Unix sockets", error.Message, StringComparison.Ordinal);
    }
}
