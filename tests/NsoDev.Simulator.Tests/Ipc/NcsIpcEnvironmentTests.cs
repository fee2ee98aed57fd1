using System.Net;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

/// <summary>How a client finds the daemon and its secret (NSO-NOTES §3 and §4).</summary>
public sealed class NcsIpcEnvironmentTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value).GetValueOrDefault;

    [Fact]
    public void With_nothing_set_the_client_goes_to_127_0_0_1_port_4569() =>
        Assert.Equal(new TcpIpcEndpoint(new IPEndPoint(IPAddress.Loopback, 4569)), NcsIpcEnvironment.Resolve(Environment()));

    [Fact]
    public void Ncs_ipc_path_wins_over_addr_and_port() =>
        Assert.Equal(
            new LocalIpcEndpoint("/tmp/nso/nso-ipc2"),
            NcsIpcEnvironment.Resolve(Environment(("NCS_IPC_ADDR", "127.0.0.1"), ("NCS_IPC_PORT", "5010"), ("NCS_IPC_PATH", "/tmp/nso/nso-ipc2"))));

    [Fact]
    public void An_empty_variable_counts_as_unset() =>
        Assert.Equal(
            new TcpIpcEndpoint(new IPEndPoint(IPAddress.Loopback, 5010)),
            NcsIpcEnvironment.Resolve(Environment(("NCS_IPC_PATH", string.Empty), ("NCS_IPC_PORT", "5010"))));

    [Fact]
    public void Confd_ipc_access_file_is_read_first() =>
        Assert.Equal(
            ("CONFD_IPC_ACCESS_FILE", "/a"),
            NcsIpcEnvironment.AccessFile(Environment(("NCS_IPC_ACCESS_FILE", "/b"), ("CONFD_IPC_ACCESS_FILE", "/a"))));

    [Fact]
    public void Ncs_ipc_access_file_names_the_secret_otherwise()
    {
        Assert.Equal(("NCS_IPC_ACCESS_FILE", "/b"), NcsIpcEnvironment.AccessFile(Environment(("NCS_IPC_ACCESS_FILE", "/b"))));
        Assert.Null(NcsIpcEnvironment.AccessFile(Environment()));
    }

    [Theory]
    [InlineData("NCS_IPC_PORT", "0", "NCS_IPC_PORT=0 is not a port number (1..65535)")]
    [InlineData("NCS_IPC_ADDR", "nso.local", "NCS_IPC_ADDR=nso.local is not an IP address")]
    public void Bad_values_are_reported_with_their_variable(string name, string value, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => NcsIpcEnvironment.Resolve(Environment((name, value)))).Message);
}
