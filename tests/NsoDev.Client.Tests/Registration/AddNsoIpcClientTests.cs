using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NsoDev.Ipc;

namespace NsoDev.Client.Tests.Options;

/// <summary><c>AddNsoIpc</c> on a client project's host: what it registers, and what stops it at start-up.</summary>
public sealed class AddNsoIpcRegistrationTests
{
    [Fact]
    public void It_registers_the_bound_options_a_client_for_their_endpoint_and_the_nso_ipc_health_check()
    {
        var builder = ClientHost.Builder(Variables(("NCS_IPC_ADDR", "127.0.0.1"), ("NCS_IPC_PORT", "20010")));

        builder.AddNsoIpc();

        using var host = builder.Build();
        var expected = new NsoIpcEndpoint.Tcp("127.0.0.1", 20010);
        Assert.Equal(expected, host.Services.GetRequiredService<NsoIpcOptions>().Endpoint);
        Assert.Equal(expected, host.Services.GetRequiredService<NsoIpcClient>().Endpoint);
        Assert.Contains(host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == "nso-ipc");
    }

    [Fact]
    public void A_missing_access_file_stops_the_host_at_registration_and_names_the_file()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"nsodev-missing-{Guid.NewGuid():N}", "ipc_access");
        var builder = ClientHost.Builder(Variables(("NCS_IPC_ACCESS_FILE", missing)));

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddNsoIpc());

        Assert.Contains($"NCS_IPC_ACCESS_FILE is '{missing}', but it cannot be read", error.Message, StringComparison.Ordinal);
        Assert.Contains("Give this process read access to the instance's secret file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_access_file_that_cannot_be_read_stops_the_host_at_registration_and_names_the_file()
    {
        var directory = Directory.CreateTempSubdirectory("nsodev-sd-").FullName;
        try
        {
            var builder = ClientHost.Builder(Variables(("CONFD_IPC_ACCESS_FILE", directory), ("NCS_IPC_ACCESS_FILE", "/never/read")));

            var error = Assert.Throws<InvalidOperationException>(() => builder.AddNsoIpc());

            Assert.Contains($"'{directory}', but it cannot be read", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public void A_bad_port_stops_the_host_at_registration_with_the_fix()
    {
        var builder = ClientHost.Builder(Variables(("NCS_IPC_PORT", "70000")));

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddNsoIpc());

        Assert.Equal("NCS_IPC_PORT is '70000', which is not a TCP port. Set it to the instance's IPC port (1-65535), or unset it for 4569.", error.Message);
    }

    [Fact]
    public void A_named_connection_reads_its_own_section_and_names_its_health_check_after_itself()
    {
        var builder = ClientHost.Builder(Variables(("NCS_IPC_PORT", "20010"), ("Nso:cfs:NCS_IPC_PORT", "20020"), ("Nso:cfs:NCS_IPC_ADDR", "127.0.0.3")));

        builder.AddNsoIpc("cfs");

        using var host = builder.Build();
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.3", 20020), host.Services.GetRequiredKeyedService<NsoIpcOptions>("cfs").Endpoint);
        Assert.NotNull(host.Services.GetRequiredKeyedService<NsoIpcClient>("cfs"));
        var names = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name);
        Assert.Equal(["nso-ipc-cfs"], names);
    }

    [Fact]
    public void Two_named_connections_each_get_their_own_options_client_and_health_check()
    {
        var builder = ClientHost.Builder(Variables(("Nso:cfs:NCS_IPC_PORT", "20020"), ("Nso:rfs:NCS_IPC_PATH", "/run/rfs.sock")));

        builder.AddNsoIpc("cfs");
        builder.AddNsoIpc("rfs");

        using var host = builder.Build();
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 20020), host.Services.GetRequiredKeyedService<NsoIpcOptions>("cfs").Endpoint);
        Assert.Equal(new NsoIpcEndpoint.UnixSocket("/run/rfs.sock"), host.Services.GetRequiredKeyedService<NsoIpcClient>("rfs").Endpoint);
        var names = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name).Order();
        Assert.Equal(["nso-ipc-cfs", "nso-ipc-rfs"], names);
    }

    [Fact]
    public void A_named_connection_ignores_the_top_level_variables_and_falls_back_to_the_defaults()
    {
        var builder = ClientHost.Builder(Variables(("NCS_IPC_PORT", "20010"), ("NCS_IPC_ACCESS_FILE", "/not/for/cfs")));

        builder.AddNsoIpc("cfs");

        using var host = builder.Build();
        var options = host.Services.GetRequiredKeyedService<NsoIpcOptions>("cfs");
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 4569), options.Endpoint);
        Assert.Null(options.AccessFile);
    }

    [Fact]
    public void A_bad_value_in_a_named_section_stops_the_host_at_registration()
    {
        var builder = ClientHost.Builder(Variables(("Nso:cfs:NCS_IPC_ADDR", "cfs.local")));

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddNsoIpc("cfs"));

        Assert.StartsWith("NCS_IPC_ADDR is 'cfs.local', which is not an IP address.", error.Message, StringComparison.Ordinal);
    }

    private static KeyValuePair<string, string?>[] Variables(params (string Key, string Value)[] variables) =>
        [.. variables.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))];
}
