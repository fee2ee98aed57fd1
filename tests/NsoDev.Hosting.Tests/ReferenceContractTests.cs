using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests;

/// <summary>
/// What a dependent of two instances gets: both as connection strings and connection properties, and
/// the plain NCS_IPC_* variables of the one it names for NSO's own tools, never a mix of the two.
/// </summary>
public sealed class ReferenceContractTests
{
    [Fact]
    public async Task A_dependent_of_two_instances_gets_both_as_connection_strings_and_the_plain_variables_of_one()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var cfs = Planned(builder.AddNso("cfs").WithIpcAccessCheck(), new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), "/run/cfs/secrets/ipc_access", new NsoRelease(6, 5));
        var rfs = Planned(builder.AddNso("rfs").WithUnixSocketIpc(), new NsoIpcEndpoint.UnixSocket("/run/user/1000/nsodev/ipc/rfs.sock"), null, new NsoRelease(6, 4));
        var client = builder.AddExecutable("inventory", "sh", ".").WithReference(cfs).WithReference(rfs, ncsIpcVariables: false);

        var environment = await EnvironmentOf(client.Resource);

        Assert.Equal("Host=127.0.0.1;Port=20010;AccessFile=/run/cfs/secrets/ipc_access;Release=6.5", environment["ConnectionStrings__cfs"]);
        Assert.Equal("Path=/run/user/1000/nsodev/ipc/rfs.sock;Release=6.4", environment["ConnectionStrings__rfs"]);
        Assert.Equal("tcp://127.0.0.1:20010", environment["CFS_URI"]);
        Assert.Equal("20010", environment["CFS_PORT"]);
        Assert.Equal("unix:///run/user/1000/nsodev/ipc/rfs.sock", environment["RFS_URI"]);
        Assert.Equal("/run/user/1000/nsodev/ipc/rfs.sock", environment["RFS_PATH"]);
        Assert.False(environment.ContainsKey("RFS_HOST"));
        Assert.False(environment.ContainsKey("RFS_ACCESSFILE"));

        // The plain variables are cfs's alone: its address, port and access file, and no path of rfs.
        Assert.Equal("127.0.0.1", environment["NCS_IPC_ADDR"]);
        Assert.Equal("20010", environment["NCS_IPC_PORT"]);
        Assert.Equal("/run/cfs/secrets/ipc_access", environment["NCS_IPC_ACCESS_FILE"]);
        Assert.False(environment.ContainsKey("NCS_IPC_PATH"));
    }

    [Fact]
    public async Task A_dependent_named_for_the_unix_socket_instance_gets_its_path_and_no_tcp_variables()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var cfs = Planned(builder.AddNso("cfs").WithIpcAccessCheck(), new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), "/run/cfs/secrets/ipc_access", new NsoRelease(6, 5));
        var rfs = Planned(builder.AddNso("rfs").WithUnixSocketIpc(), new NsoIpcEndpoint.UnixSocket("/run/rfs.sock"), null, new NsoRelease(6, 4));
        var client = builder.AddExecutable("inventory", "sh", ".").WithReference(cfs, ncsIpcVariables: false).WithReference(rfs);

        var environment = await EnvironmentOf(client.Resource);

        Assert.Equal("/run/rfs.sock", environment["NCS_IPC_PATH"]);
        Assert.DoesNotContain(environment.Keys, k => k is "NCS_IPC_ADDR" or "NCS_IPC_PORT" or "NCS_IPC_ACCESS_FILE");
        Assert.Equal("Host=127.0.0.1;Port=20010;AccessFile=/run/cfs/secrets/ipc_access;Release=6.5", environment["ConnectionStrings__cfs"]);
    }

    [Fact]
    public async Task A_connection_name_renames_the_connection_string_and_the_properties()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var cfs = Planned(builder.AddNso("cfs"), new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), null, new NsoRelease(6, 5));
        var client = builder.AddExecutable("inventory", "sh", ".").WithReference(cfs, connectionName: "upper");

        var environment = await EnvironmentOf(client.Resource);

        Assert.Equal("Host=127.0.0.1;Port=20010;Release=6.5", environment["ConnectionStrings__upper"]);
        Assert.Equal("127.0.0.1", environment["UPPER_HOST"]);
    }

    [Fact]
    public async Task A_container_cannot_take_a_loopback_instance_as_a_connection_string_either()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var cfs = Planned(builder.AddNso("cfs"), new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), null, new NsoRelease(6, 5));
        var container = builder.AddContainer("audit", "audit").WithReference(cfs, ncsIpcVariables: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await cfs.Resource.ConnectionStringExpression.GetValueAsync(new ValueProviderContext { Caller = container.Resource }, CancellationToken.None));

        Assert.Contains("Container 'audit' cannot reach NSO instance 'cfs'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_container_gets_the_host_address_and_the_mounted_secret_in_its_connection_string()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var cfs = Planned(builder.AddNso("cfs").WithIpcAccessCheck().WithTcpIpc(address: "0.0.0.0"), new NsoIpcEndpoint.Tcp("0.0.0.0", 20010), "/run/cfs/secrets/ipc_access", new NsoRelease(6, 5));
        var container = builder.AddContainer("audit", "audit").WithReference(cfs, ncsIpcVariables: false);

        var value = await cfs.Resource.ConnectionStringExpression.GetValueAsync(new ValueProviderContext { Caller = container.Resource }, CancellationToken.None);

        Assert.Equal("Host=host.docker.internal;Port=20010;AccessFile=/run/nsodev/cfs/ipc_access;Release=6.5", value);
    }

    [Fact]
    public async Task The_client_parses_what_the_host_writes_for_both_ipc_modes()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var cfs = Planned(builder.AddNso("cfs").WithIpcAccessCheck(), new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), "/run/cfs/secrets/ipc_access", new NsoRelease(6, 4));
        var rfs = Planned(builder.AddNso("rfs").WithUnixSocketIpc(), new NsoIpcEndpoint.UnixSocket("/run/rfs.sock"), null, new NsoRelease(6, 7));

        var tcp = NsoIpcConnectionString.Parse((await cfs.Resource.ConnectionStringExpression.GetValueAsync(CancellationToken.None))!);
        var unix = NsoIpcConnectionString.Parse((await rfs.Resource.ConnectionStringExpression.GetValueAsync(CancellationToken.None))!);

        Assert.Equal(new NsoIpcConnectionString(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), new NsoRelease(6, 4), "/run/cfs/secrets/ipc_access"), tcp);
        Assert.Equal(new NsoIpcConnectionString(new NsoIpcEndpoint.UnixSocket("/run/rfs.sock"), new NsoRelease(6, 7)), unix);
    }

    [Fact]
    public void The_manifest_form_refers_to_the_ipc_binding()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.GetTempPath()]);
        var cfs = builder.AddNso("cfs").WithIpcAccessCheck();

        Assert.Equal("Host={cfs.bindings.ipc.host};Port={cfs.bindings.ipc.port};AccessFile=/run/nsodev/cfs/ipc_access;Release=6.5", cfs.Resource.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public void The_manifest_form_carries_the_release_of_the_image_tag_so_a_dependent_speaks_the_published_release()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.GetTempPath()]);
        var cfs = builder.AddNso("cfs").WithContainerImageTag("6.4.2");

        Assert.Equal("Host={cfs.bindings.ipc.host};Port={cfs.bindings.ipc.port};AccessFile=/run/nsodev/cfs/ipc_access;Release=6.4", cfs.Resource.ConnectionStringExpression.ValueExpression);
    }

    private static IResourceBuilder<NsoResource> Planned(IResourceBuilder<NsoResource> nso, NsoIpcEndpoint ipc, string? accessFile, NsoRelease release)
    {
        var published = nso.Resource.Published();
        published.Plan = TestPlans.Plan(nso.Resource.Name, ipc, accessFile);
        published.Engine = new NcsEngine("/opt/nso/bin/ncs", release, IsSimulator: false);
        return nso;
    }

    /// <summary>Runs every environment callback as the app host does in run mode, and resolves each value.</summary>
    internal static async Task<Dictionary<string, string?>> EnvironmentOf(IResource resource)
    {
        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), resource, values);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        var resolved = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            resolved[name] = value switch
            {
                string text => text,
                IValueProvider provider => await provider.GetValueAsync(),
                _ => value.ToString(),
            };
        }

        return resolved;
    }
}
