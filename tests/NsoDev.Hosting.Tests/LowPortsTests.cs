using System.Net;
using System.Net.Sockets;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Tests;

public class LowPortsTests
{
    [Theory]
    [InlineData(830, 1024, false, true)]
    [InlineData(1023, 1024, false, true)]
    [InlineData(1024, 1024, false, false)]
    [InlineData(830, 1024, true, false)]
    [InlineData(830, 0, false, false)]
    [InlineData(80, 443, false, true)]
    public void A_port_below_the_unprivileged_start_is_refused_unless_the_process_may_bind_any_port(int port, int unprivilegedStart, bool canBindAnyPort, bool refused)
    {
        var refusal = LowPorts.Refusal(port, unprivilegedStart, canBindAnyPort);

        Assert.Equal(refused, refusal is not null);
        if (refusal is not null)
        {
            Assert.Contains($"below {unprivilegedStart}", refusal, StringComparison.Ordinal);
            Assert.Contains("CAP_NET_BIND_SERVICE", refusal, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Name:\tnso\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n", true)]
    [InlineData("CapPrm:\t0000000000000400\nCapEff:\t0000000000000400\n", true)]
    [InlineData("CapPrm:\t0000000000000400\nCapEff:\t0000000000000000\n", false)]
    [InlineData("CapEff:\t0000000000000800\n", false)]
    [InlineData("Name:\tnso\n", false)]
    public void Cap_net_bind_service_is_bit_10_of_the_effective_set(string procStatus, bool expected) =>
        Assert.Equal(expected, LowPorts.HasNetBindService(procStatus));

    /// <summary>The kernel is the oracle: where this process can bind a low port the rule allows it, and where it cannot, the rule says so.</summary>
    [Fact]
    public void The_rule_agrees_with_the_kernel_on_this_machine()
    {
        for (var port = 1023; port > 900; port--)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                Assert.Null(LowPorts.Refusal(port));
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
            {
                Assert.NotNull(LowPorts.Refusal(port));
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // Held by a service; try the next one down.
            }
        }

        Assert.Fail("Every port from 901 to 1023 is in use; the rule could not be checked against the kernel.");
    }
}
