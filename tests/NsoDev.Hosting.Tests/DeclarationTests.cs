using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Reference;

namespace NsoDev.Hosting.Tests;

/// <summary>Invalid declarations fail when they are made, or, for rules that join two calls, before start; each with a message that names the problem and the fix.</summary>
public class DeclarationTests
{
    private static IDistributedApplicationBuilder Builder() => DistributedApplication.CreateBuilder([]);

    [Fact]
    public void A_persistent_lifetime_with_data_wiped_at_every_start_is_refused_before_start_in_either_order()
    {
        var builder = Builder();
        var lifetimeFirst = builder.AddNso("nso-1").WithLifetime(Lifetime.Persistent).WithDataPersistence(false);
        var wipeFirst = builder.AddNso("nso-2").WithDataPersistence(false).WithLifetime(Lifetime.Persistent);

        foreach (var nso in new[] { lifetimeFirst, wipeFirst })
        {
            var error = Assert.Throws<NsoDeclarationException>(() => DeclarationRules.CheckComplete(nso.Resource));
            Assert.Contains($"NSO instance '{nso.Resource.Name}' has a persistent lifetime", error.Message, StringComparison.Ordinal);
            Assert.Contains("Remove one of the two", error.Message, StringComparison.Ordinal);
        }

        DeclarationRules.CheckComplete(builder.AddNso("nso-3").WithLifetime(Lifetime.Persistent).Resource);
    }

    [Fact]
    public void A_non_loopback_tcp_address_without_the_access_check_is_refused_before_start()
    {
        var nso = Builder().AddNso("nso-1").WithTcpIpc(address: "0.0.0.0");

        var error = Assert.Throws<NsoDeclarationException>(() => DeclarationRules.CheckComplete(nso.Resource));

        Assert.Equal("NSO instance 'nso-1' would serve IPC on 0.0.0.0, which opens it to unauthenticated clients on other hosts. Add WithIpcAccessCheck() to it, or keep IPC on 127.0.0.1.", error.Message);
    }

    [Fact]
    public void The_access_check_may_come_after_a_non_loopback_address()
    {
        var nso = Builder().AddNso("nso-1").WithTcpIpc(address: "0.0.0.0").WithIpcAccessCheck();

        DeclarationRules.CheckComplete(nso.Resource);
        Assert.NotNull(nso.Resource.Declaration().AccessCheck);
    }

    [Fact]
    public void A_second_reference_that_would_also_set_the_plain_variables_is_refused_with_how_to_choose()
    {
        var builder = Builder();
        var cfs = builder.AddNso("cfs").WithIpcAccessCheck();
        var rfs = builder.AddNso("rfs").WithUnixSocketIpc();
        var client = builder.AddExecutable("inventory", "sh", ".").WithReference(cfs);

        var error = Assert.Throws<InvalidOperationException>(() => client.WithReference(rfs));

        Assert.Equal(
            "'inventory' already gets NCS_IPC_* from NSO instance 'cfs', and a process has one set of them, so 'rfs' cannot set them too. "
            + "Reference 'rfs' with WithReference(rfs, ncsIpcVariables: false): it then reaches 'inventory' as ConnectionStrings__rfs (read it with AddNsoIpcClient(\"rfs\")). "
            + "Or pass ncsIpcVariables: false on the other reference instead.",
            error.Message);
        Assert.Single(client.Resource.Annotations.OfType<NsoReferenceAnnotation>());
    }

    [Fact]
    public void A_second_instance_without_the_plain_variables_is_accepted_in_either_order()
    {
        var builder = Builder();
        var cfs = builder.AddNso("cfs");
        var rfs = builder.AddNso("rfs");

        var plainFirst = builder.AddExecutable("a", "sh", ".").WithReference(cfs).WithReference(rfs, ncsIpcVariables: false);
        var plainLast = builder.AddExecutable("b", "sh", ".").WithReference(rfs, ncsIpcVariables: false).WithReference(cfs);

        Assert.All([plainFirst.Resource, plainLast.Resource], r => Assert.Equal(
            ["cfs plain", "rfs"],
            r.Annotations.OfType<NsoReferenceAnnotation>().Select(a => a.NcsIpcVariables ? $"{a.Nso.Name} plain" : a.Nso.Name).Order()));
    }

    [Fact]
    public void Referencing_the_same_instance_twice_adds_it_once()
    {
        var builder = Builder();
        var cfs = builder.AddNso("cfs");
        var once = builder.AddExecutable("once", "sh", ".").WithReference(cfs);
        var twice = builder.AddExecutable("twice", "sh", ".").WithReference(cfs).WithReference(cfs);

        Assert.Single(twice.Resource.Annotations.OfType<NsoReferenceAnnotation>());
        Assert.Equal(once.Resource.Annotations.OfType<EnvironmentCallbackAnnotation>().Count(), twice.Resource.Annotations.OfType<EnvironmentCallbackAnnotation>().Count());
    }

    [Fact]
    public void A_non_loopback_tcp_address_with_the_access_check_is_accepted()
    {
        var nso = Builder().AddNso("nso-1").WithIpcAccessCheck().WithTcpIpc(address: "0.0.0.0");

        Assert.Equal(new IpcDeclaration.Tcp(null, "0.0.0.0"), nso.Resource.Declaration().Ipc);
    }

    [Fact]
    public void Both_ipc_modes_on_one_instance_are_refused_in_either_order()
    {
        var builder = Builder();

        var tcpThenUnix = Assert.Throws<InvalidOperationException>(() => builder.AddNso("a").WithTcpIpc().WithUnixSocketIpc());
        var unixThenTcp = Assert.Throws<InvalidOperationException>(() => builder.AddNso("b").WithUnixSocketIpc().WithTcpIpc());

        Assert.Contains("one IPC mode", tcpThenUnix.Message, StringComparison.Ordinal);
        Assert.Contains("one IPC mode", unixThenTcp.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_explicit_port_on_two_instances_is_refused()
    {
        var builder = Builder();
        builder.AddNso("a").WithNetconf(30022);

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddNso("b").WithCli(30022));

        Assert.Contains("Port 30022 is given to both 'a' netconf and 'b' cli", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "not a TCP port")]
    [InlineData(70000, "not a TCP port")]
    [InlineData(4570, "reserved for NSO")]
    public void An_explicit_port_out_of_range_or_reserved_is_refused(int port, string reason)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Builder().AddNso("nso-1").WithTcpIpc(port));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_unix_socket_path_over_107_bytes_is_refused()
    {
        var error = Assert.ThrowsAny<InvalidOperationException>(() => Builder().AddNso("nso-1").WithUnixSocketIpc("/tmp/" + new string('p', 110)));

        Assert.Contains("must fit in 107 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nso_1")]
    [InlineData("1nso")]
    [InlineData("nso--1")]
    public void A_name_that_is_not_a_valid_resource_name_is_refused(string name)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Builder().AddNso(name));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_name_is_refused()
    {
        var builder = Builder();
        builder.AddNso("nso-1");

        var error = Assert.ThrowsAny<Exception>(() => builder.AddNso("nso-1"));

        Assert.Contains("nso-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_template_is_refused_with_its_path()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Builder().AddNso("nso-1").WithTemplate("/nonexistent/ncs.conf"));

        Assert.Contains("'/nonexistent/ncs.conf'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_package_directory_is_refused_with_its_path()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => Builder().AddNso("nso-1").WithPackages("/nonexistent/router-nc-1.0"));

        Assert.Contains("'/nonexistent/router-nc-1.0'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unix_socket_ipc_removes_the_tcp_ipc_endpoint_and_without_cli_removes_the_cli_endpoint()
    {
        var nso = Builder().AddNso("nso-1").WithUnixSocketIpc().WithoutCli().WithWebUi();

        var names = nso.Resource.Annotations.OfType<EndpointAnnotation>().Select(e => e.Name).Order().ToArray();

        Assert.Equal(["netconf", "webui"], names);
        Assert.Equal([NsoPortKind.Netconf, NsoPortKind.WebUi], nso.Resource.Declaration().PortRequests().Keys.Order().ToArray());
    }

    [Fact]
    public void A_unix_socket_on_a_simulated_6_3_is_refused_before_start_in_either_order()
    {
        var builder = Builder();
        var simulatorFirst = builder.AddNso("a").RunAsSimulator("6.3").WithUnixSocketIpc();
        var socketFirst = builder.AddNso("b").WithUnixSocketIpc().RunAsSimulator("6.3");

        Assert.Equal(
            "NSO instance 'a' runs on nso-sim as NSO 6.3, which has no local IPC (ncs-local-ipc came in NSO 6.4), so it cannot serve IPC on a Unix socket. Use WithTcpIpc() for this instance, or RunAsSimulator(\"6.4\") or later.",
            Assert.Throws<NsoDeclarationException>(() => DeclarationRules.CheckComplete(simulatorFirst.Resource)).Message);
        Assert.Contains("runs on nso-sim as NSO 6.3", Assert.Throws<NsoDeclarationException>(() => DeclarationRules.CheckComplete(socketFirst.Resource)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("6.4")]
    [InlineData("6.7")]
    public void A_unix_socket_on_a_simulated_6_4_or_later_is_accepted(string release)
    {
        var nso = Builder().AddNso("nso-1").RunAsSimulator(release).WithUnixSocketIpc();

        Assert.IsType<IpcDeclaration.UnixSocket>(nso.Resource.Declaration().Ipc);
        Assert.Equal(release, ((EngineChoice.Simulator)nso.Resource.Declaration().Engine).Release.ToString());
    }

    [Theory]
    [InlineData("6.0")]
    [InlineData("6.8")]
    [InlineData("seven")]
    public void A_release_nso_sim_cannot_simulate_is_refused_naming_those_it_can(string release)
    {
        var error = Assert.Throws<ArgumentException>(() => Builder().AddNso("nso-1").RunAsSimulator(release));

        Assert.StartsWith($"nso-sim cannot simulate NSO '{release}' for NSO instance 'nso-1': it simulates NSO 6.1, 6.2, 6.3, 6.4, 6.5, 6.6, 6.7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_folder_without_bands_is_refused_with_the_fix()
    {
        var folder = Directory.CreateTempSubdirectory("nsodev-empty-template-").FullName;
        try
        {
            var error = Assert.Throws<FileNotFoundException>(() => Builder().AddNso("nso-1").WithTemplate(folder));

            Assert.Contains("is a folder with no version band (MAJOR.MINOR/ncs.conf)", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }
}
