using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NsoDev.Ipc;
using static NsoDev.Client.Tests.ClientHost;

namespace NsoDev.Client.Tests.Registration;

/// <summary><c>AddNsoIpcClient</c> and <c>AddKeyedNsoIpcClient</c> on a client project's host: what they register, and what stops the host at start-up.</summary>
public sealed class AddNsoIpcClientTests
{
    [Fact]
    public void Without_a_name_it_registers_a_client_of_the_instance_the_NCS_IPC_variables_name_and_the_nso_ipc_health_check()
    {
        using var host = Build(Variables(("NCS_IPC_ADDR", "127.0.0.1"), ("NCS_IPC_PORT", "20010")), b => b.AddNsoIpcClient());

        var client = host.Services.GetRequiredService<NsoIpcClient>();
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), client.Endpoint);
        Assert.Null(client.Name);
        Assert.Equal(["nso-ipc"], HealthCheckNames(host));
    }

    [Fact]
    public void With_a_name_it_registers_an_unkeyed_client_from_ConnectionStrings_and_ignores_the_NCS_IPC_variables()
    {
        using var host = Build(Variables(("ConnectionStrings:x", "Host=127.0.0.3;Port=20020;Release=6.4"), ("NCS_IPC_PORT", "20010"), ("NCS_IPC_ACCESS_FILE", "/not/for/x")), b => b.AddNsoIpcClient("x"));

        var client = host.Services.GetRequiredService<NsoIpcClient>();
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.3", 20020), client.Endpoint);
        Assert.Equal(new NsoRelease(6, 4), client.Release);
        Assert.False(client.AccessCheck);
        Assert.Equal("x", client.Name);
        Assert.Null(host.Services.GetKeyedService<NsoIpcClient>("x"));
        Assert.Equal(["nso-ipc-x"], HealthCheckNames(host));
    }

    [Fact]
    public void Keyed_clients_of_two_instances_each_get_their_own_endpoint_release_and_health_check_and_no_unkeyed_client()
    {
        using var secret = new TempSecret("rfs-secret\n");
        var variables = Variables(
            ("ConnectionStrings:cfs", "Host=127.0.0.1;Port=20020;Release=6.5"),
            ("ConnectionStrings:rfs", $"Path=/run/user/1000/nsodev/ipc/rfs.sock;Release=6.7;AccessFile={secret.Path}"));

        using var host = Build(variables, b =>
        {
            b.AddKeyedNsoIpcClient("cfs");
            b.AddKeyedNsoIpcClient("rfs");
        });

        var cfs = host.Services.GetRequiredKeyedService<NsoIpcClient>("cfs");
        var rfs = host.Services.GetRequiredKeyedService<NsoIpcClient>("rfs");
        Assert.Equal((new NsoIpcEndpoint.Tcp("127.0.0.1", 20020), new NsoRelease(6, 5), false), (cfs.Endpoint, cfs.Release, cfs.AccessCheck));
        Assert.Equal((new NsoIpcEndpoint.UnixSocket("/run/user/1000/nsodev/ipc/rfs.sock"), new NsoRelease(6, 7), true), (rfs.Endpoint, rfs.Release, rfs.AccessCheck));
        Assert.Null(host.Services.GetService<NsoIpcClient>());
        Assert.Equal(["nso-ipc-cfs", "nso-ipc-rfs"], HealthCheckNames(host).Order());
    }

    [Fact]
    public void An_unkeyed_and_a_keyed_client_of_one_instance_share_one_health_check()
    {
        using var host = Build(Variables(("ConnectionStrings:cfs", "Host=127.0.0.1;Port=20020")), b =>
        {
            b.AddNsoIpcClient("cfs");
            b.AddKeyedNsoIpcClient("cfs");
        });

        Assert.Equal(host.Services.GetRequiredService<NsoIpcClient>().Endpoint, host.Services.GetRequiredKeyedService<NsoIpcClient>("cfs").Endpoint);
        Assert.Equal(["nso-ipc-cfs"], HealthCheckNames(host));
    }

    [Fact]
    public void DisableHealthChecks_leaves_the_health_check_out_and_the_client_in()
    {
        using var host = Build(Variables(("ConnectionStrings:cfs", "Host=127.0.0.1;Port=20020"), ("NsoDev:Ipc:cfs:DisableHealthChecks", "true")), b => b.AddKeyedNsoIpcClient("cfs"));

        Assert.NotNull(host.Services.GetRequiredKeyedService<NsoIpcClient>("cfs"));
        Assert.Empty(HealthCheckNames(host));
    }

    [Fact]
    public void A_missing_connection_string_stops_the_host_at_registration_naming_the_key_and_the_fix()
    {
        var error = RegistrationError(Variables(("NCS_IPC_PORT", "20010")), b => b.AddKeyedNsoIpcClient("cfs"));

        Assert.StartsWith("NSO instance 'cfs' has no connection string: ConnectionStrings:cfs is not set, or empty. Reference the instance from this project in the app host (.WithReference(nso)), or set ConnectionStrings__cfs yourself.", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"Host=127.0.0.1;Port=4569;Release=6.5\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_connection_string_is_a_missing_one()
    {
        var error = RegistrationError(Variables(("ConnectionStrings:cfs", " ")), b => b.AddNsoIpcClient("cfs"));

        Assert.StartsWith("NSO instance 'cfs' has no connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_stops_the_host_naming_the_key_the_problem_and_the_form_expected()
    {
        var error = RegistrationError(Variables(("ConnectionStrings:cfs", "Host=127.0.0.1;Port=70000")), b => b.AddKeyedNsoIpcClient("cfs"));

        Assert.Equal(
            "ConnectionStrings:cfs is not a usable NSO IPC connection string: Port is '70000', which is not a TCP port. Set it to the instance's IPC port (1-65535). "
            + "An NSO IPC connection string is \"Host=127.0.0.1;Port=4569;Release=6.5\" (TCP) or \"Path=/path/to/ipc.sock;Release=6.5\" (Unix socket), with \";AccessFile=/path/to/ipc_access\" when the instance's access check is on.",
            error.Message);
    }

    [Fact]
    public void Another_services_connection_string_is_refused_without_quoting_its_password()
    {
        var error = RegistrationError(Variables(("ConnectionStrings:db", "Host=127.0.0.1;Port=5432;Username=nso;Password=hunter2-not-for-logs")), b => b.AddKeyedNsoIpcClient("db"));

        Assert.Contains("it has a key 'username'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_access_file_in_the_connection_string_that_cannot_be_read_stops_the_host_naming_the_key_and_the_fix()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"nsodev-missing-{Guid.NewGuid():N}", "ipc_access");
        var error = RegistrationError(Variables(("ConnectionStrings:cfs", $"Host=127.0.0.1;Port=20020;AccessFile={missing}")), b => b.AddKeyedNsoIpcClient("cfs"));

        Assert.StartsWith($"AccessFile in ConnectionStrings:cfs is '{missing}', but it cannot be read (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Give this process read access to the instance's secret file, or remove AccessFile from it if the instance's access check is off.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_access_file_variable_stops_the_host_at_registration_and_names_the_file()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"nsodev-missing-{Guid.NewGuid():N}", "ipc_access");
        var error = RegistrationError(Variables(("NCS_IPC_ACCESS_FILE", missing)), b => b.AddNsoIpcClient());

        Assert.Contains($"NCS_IPC_ACCESS_FILE is '{missing}', but it cannot be read", error.Message, StringComparison.Ordinal);
        Assert.Contains("Give this process read access to the instance's secret file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_port_variable_stops_the_host_at_registration_with_the_fix()
    {
        var error = RegistrationError(Variables(("NCS_IPC_PORT", "70000")), b => b.AddNsoIpcClient());

        Assert.Equal("NCS_IPC_PORT is '70000', which is not a TCP port. Set it to the instance's IPC port (1-65535), or unset it for 4569.", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_name_is_required_for_the_named_forms(string? name)
    {
        var builder = Builder([]);

        Assert.ThrowsAny<ArgumentException>(() => builder.AddNsoIpcClient(name!, null));
        Assert.ThrowsAny<ArgumentException>(() => builder.AddKeyedNsoIpcClient(name!));
    }

    /// <summary>The error with which <paramref name="register"/> stops the host at registration, before it is built.</summary>
    private static InvalidOperationException RegistrationError(IEnumerable<KeyValuePair<string, string?>> variables, Action<HostApplicationBuilder> register) =>
        Assert.Throws<InvalidOperationException>(() => register(Builder(variables)));

    private static IEnumerable<string> HealthCheckNames(IHost host) =>
        host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name);
}
