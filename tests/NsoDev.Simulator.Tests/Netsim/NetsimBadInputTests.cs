using System.Net;
using System.Net.Sockets;
using NsoDev.Simulator.Tests.Processes;

namespace NsoDev.Simulator.Tests.Netsim;

/// <summary>
/// Bad input to <c>nso-sim netsim</c>: exit 1, <c>*** problem</c> on stderr naming what is wrong and the fix,
/// and nothing left half made. A busy port fails that one device at start, as with ncs-netsim.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class NetsimBadInputTests : IAsyncLifetime
{
    private readonly NetsimTestNetwork _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _net.DisposeAsync();

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_package_is_refused_and_creates_nothing()
    {
        var result = await _net.RunAsync(["create-network", Path.Combine(_net.Root, "no-such-package"), "3", "device"], TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("*** The NED package called <", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("package-meta-data.xml and netsim/", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
        Assert.Equal([], Directory.GetFileSystemEntries(_net.Root));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_package_without_netsim_or_meta_data_is_refused_by_name()
    {
        var noNetsim = Directory.CreateDirectory(Path.Combine(_net.Root, "pkg-a")).FullName;
        File.Copy(Path.Combine(NetsimTestNetwork.Package, "package-meta-data.xml"), Path.Combine(noNetsim, "package-meta-data.xml"));
        var noMeta = Directory.CreateDirectory(Path.Combine(_net.Root, "pkg-b", "netsim")).Parent!.FullName;

        var first = await _net.RunAsync(["create-network", noNetsim, "1", "a"], TestContext.Current.CancellationToken);
        var second = await _net.RunAsync(["create-network", noMeta, "1", "b"], TestContext.Current.CancellationToken);

        Assert.Equal(1, first.ExitCode);
        Assert.Contains("doesn't have a netsim directory", first.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("has no readable package-meta-data.xml", second.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_net.Dir));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("x")]
    [InlineData("0")]
    [InlineData("-2")]
    public async Task A_device_count_that_is_not_a_whole_number_is_refused(string count)
    {
        var result = await _net.RunAsync(["create-network", NetsimTestNetwork.Package, count, "device"], TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("*** Need integer for number of devices", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("give a whole number of at least 1", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_net.Dir));
    }

    [Fact(Timeout = 60_000)]
    public async Task Creating_over_an_existing_network_is_refused_and_leaves_it_as_it_was()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "2", "device"], TestContext.Current.CancellationToken);
        var before = await File.ReadAllTextAsync(Path.Combine(_net.Dir, ".netsiminfo"), TestContext.Current.CancellationToken);

        var result = await _net.RunAsync(["create-network", NetsimTestNetwork.Package, "3", "other"], TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"*** A netsim network already exists in directory {_net.Dir}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("delete-network", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("add-to-network", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(_net.Dir, ".netsiminfo"), TestContext.Current.CancellationToken));
        Assert.False(Directory.Exists(Path.Combine(_net.Dir, "other")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_clash_in_one_call_creates_none_of_its_devices()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "1", "device"], TestContext.Current.CancellationToken);
        var before = await File.ReadAllTextAsync(Path.Combine(_net.Dir, ".netsiminfo"), TestContext.Current.CancellationToken);

        var result = await _net.RunAsync(["add-to-network", NetsimTestNetwork.Package, "2", "edge", "add-to-network", NetsimTestNetwork.Package, "1", "device", "add-device", NetsimTestNetwork.Package, "device0"], TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Cannot combine add-to-network and add-device", result.Stderr, StringComparison.Ordinal);
        // The first device is fine; the second is named like one that exists.
        var duplicate = await _net.RunAsync(["add-device", NetsimTestNetwork.Package, "edge", "add-device", NetsimTestNetwork.Package, "device0"], TestContext.Current.CancellationToken);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("*** Device device0 already exists", duplicate.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(_net.Dir, ".netsiminfo"), TestContext.Current.CancellationToken));
        Assert.Equal(["device"], Directory.GetDirectories(_net.Dir).Select(Path.GetFileName));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_port_variable_that_is_not_a_port_is_refused_by_name()
    {
        var environment = new Dictionary<string, string>(_net.Environment) { ["NETCONF_SSH_PORT"] = "twelve" };

        var result = await _net.RunAsync(environment, ["create-network", NetsimTestNetwork.Package, "2", "device"], TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("*** NETCONF_SSH_PORT=twelve is not a port number (1..65535)", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_net.Dir));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_device_or_protocol_is_refused_by_name()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "1", "device"], TestContext.Current.CancellationToken);

        var device = await _net.RunAsync(["get-port", "router9", "netconf"], TestContext.Current.CancellationToken);
        var protocol = await _net.RunAsync(["get-port", "device0", "telnet"], TestContext.Current.CancellationToken);
        var start = await _net.RunAsync(["start", "router9"], TestContext.Current.CancellationToken);

        Assert.Equal(1, device.ExitCode);
        Assert.Contains("*** No device called router9 in this netsim project", device.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, protocol.ExitCode);
        Assert.Contains("*** Unknown protocol 'telnet'", protocol.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, start.ExitCode);
        Assert.Empty(start.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_command_outside_any_network_says_how_to_make_one()
    {
        var result = await _net.RunAsync(["is-alive"], TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"*** Dir '{_net.Dir}' does not exist", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("create-network", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await _net.RunAsync(["delete-network"], TestContext.Current.CancellationToken)).ExitCode);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_busy_port_fails_that_device_at_start_naming_the_port_and_the_fix()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "3", "device"], TestContext.Current.CancellationToken);
        using var holder = new TcpListener(IPAddress.Loopback, _net.NetconfBase + 1);
        holder.Start();

        var start = await _net.MustAsync(["start"], TestContext.Current.CancellationToken);

        Assert.Equal("DEVICE device0 OK STARTED\nDEVICE device1 FAIL\nDEVICE device2 OK STARTED\n", start.Stdout);
        Assert.Contains($"device1: netconf-ssh port {_net.NetconfBase + 1}", start.Stderr, StringComparison.Ordinal);
        Assert.Contains("is already in use", start.Stderr, StringComparison.Ordinal);
        Assert.Contains("NETCONF_SSH_PORT", start.Stderr, StringComparison.Ordinal);
        Assert.Equal("DEVICE device0 OK\nDEVICE device1 FAIL\nDEVICE device2 OK\n", (await _net.MustAsync(["is-alive"], TestContext.Current.CancellationToken)).Stdout);
        Assert.True(NetsimTestNetwork.IsFree(_net.IpcBase + 1), "the failed device must not keep its IPC port");
        Assert.Empty(ProcessTable.NsoSimWithArgumentContaining(Path.Combine(_net.Dir, "device", "device1")));
    }
}
