using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests;

public class NsoInstancePlanTests
{
    private static NsoInstancePlan Plan(NsoIpcEndpoint ipc, string? accessFile = null) =>
        TestPlans.Plan("nso-2", ipc, accessFile, runDirectory: "/tmp/nsodev-plan");

    [Fact]
    public void Tcp_ipc_gives_clients_address_and_port_only()
    {
        var environment = Plan(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010)).IpcEnvironment;

        Assert.Equal(new Dictionary<string, string> { ["NCS_IPC_ADDR"] = "127.0.0.1", ["NCS_IPC_PORT"] = "20010" }, environment);
    }

    [Fact]
    public void A_unix_socket_gives_clients_the_path_only()
    {
        var environment = Plan(new NsoIpcEndpoint.UnixSocket("/run/x.sock")).IpcEnvironment;

        Assert.Equal(new Dictionary<string, string> { ["NCS_IPC_PATH"] = "/run/x.sock" }, environment);
    }

    [Fact]
    public void The_access_check_adds_the_access_file_so_both_sides_agree()
    {
        var plan = Plan(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), "/s/ipc_access");

        Assert.True(plan.AccessCheck);
        Assert.Equal("/s/ipc_access", plan.IpcEnvironment["NCS_IPC_ACCESS_FILE"]);
    }

    [Fact]
    public void Control_commands_clear_every_ipc_variable_that_does_not_apply()
    {
        var environment = Plan(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010)).ControlEnvironment;

        Assert.Equal("20010", environment["NCS_IPC_PORT"]);
        Assert.Null(environment["NCS_IPC_PATH"]);
        Assert.Null(environment["NCS_IPC_ACCESS_FILE"]);
        Assert.Null(environment["CONFD_IPC_ACCESS_FILE"]);
    }

    [Theory]
    [InlineData("nso-1", "ncs_nso_1")]
    [InlineData("cfs", "ncs_cfs")]
    public void Each_instance_gets_its_own_erlang_node_name(string name, string sname)
    {
        var plan = Plan(new NsoIpcEndpoint.Tcp("127.0.0.1", 1)) with { Name = name };

        Assert.Equal(sname, plan.Sname);
    }

    [Fact]
    public void Default_socket_paths_are_short_stable_and_distinct_per_run_directory()
    {
        var first = IpcSocketPaths.Default("nso-1", "/home/dev/apphost/.nso/nso-1");
        var again = IpcSocketPaths.Default("nso-1", "/home/dev/apphost/.nso/nso-1");
        var other = IpcSocketPaths.Default("nso-1", "/home/dev/other/.nso/nso-1");

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.True(NsoDev.Ipc.IpcSocketPath.Fits(first));
    }

    [Fact]
    public void A_socket_path_over_107_bytes_is_refused_with_its_length_and_the_fix()
    {
        var path = "/tmp/" + new string('s', 120) + ".sock";

        var error = Assert.Throws<NsoDeclarationException>(() => IpcSocketPaths.EnsureFits(path, "nso-1"));

        Assert.Contains("130 bytes long", error.Message, StringComparison.Ordinal);
        Assert.Contains("107 bytes", error.Message, StringComparison.Ordinal);
    }
}
