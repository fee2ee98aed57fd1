using NsoDev.Ipc;
using static NsoDev.Client.Tests.ClientHost;

namespace NsoDev.Client.Tests.Settings;

/// <summary>
/// Settings from the sections <c>NsoDev:Ipc</c> and <c>NsoDev:Ipc:NAME</c>, as Aspire's client integrations
/// bind theirs; then what the connection string says; then <c>configureSettings</c>.
/// </summary>
public sealed class SettingsBindingTests
{
    [Fact]
    public void Without_configuration_the_settings_are_the_defaults()
    {
        var (settings, connection) = Read(Variables());

        Assert.Equal((TimeSpan.FromSeconds(5), 5, false, false, false), (settings.ConnectTimeout, settings.ConnectRetries, settings.DisableHealthChecks, settings.DisableTracing, settings.DisableMetrics));
        Assert.Equal((TimeSpan.FromSeconds(5), 5), (connection.ConnectTimeout, connection.ConnectRetries));
    }

    [Fact]
    public void The_NsoDev_Ipc_section_binds_every_setting()
    {
        var (settings, connection) = Read(Variables(
            ("NsoDev:Ipc:ConnectTimeout", "00:00:02"),
            ("NsoDev:Ipc:ConnectRetries", "0"),
            ("NsoDev:Ipc:Release", "6.6"),
            ("NsoDev:Ipc:DisableHealthChecks", "true"),
            ("NsoDev:Ipc:DisableTracing", "true"),
            ("NsoDev:Ipc:DisableMetrics", "true")));

        Assert.Equal((TimeSpan.FromSeconds(2), 0, new NsoRelease(6, 6)), (connection.ConnectTimeout, connection.ConnectRetries, connection.Release));
        Assert.True(settings.DisableHealthChecks && settings.DisableTracing && settings.DisableMetrics);
    }

    [Fact]
    public void A_named_section_overrides_the_common_one_for_its_instance_only()
    {
        var variables = Variables(
            ("ConnectionStrings:cfs", "Host=127.0.0.1;Port=20020"),
            ("ConnectionStrings:rfs", "Host=127.0.0.1;Port=20030"),
            ("NsoDev:Ipc:ConnectRetries", "2"),
            ("NsoDev:Ipc:cfs:ConnectRetries", "7"));

        Assert.Equal(7, Read(variables, "cfs").Connection.ConnectRetries);
        Assert.Equal(2, Read(variables, "rfs").Connection.ConnectRetries);
    }

    [Fact]
    public void The_connection_strings_release_wins_over_the_sections_which_wins_over_6_5()
    {
        var section = ("NsoDev:Ipc:cfs:Release", (string?)"6.6");

        Assert.Equal(new NsoRelease(6, 4), Read(Variables(("ConnectionStrings:cfs", "Host=127.0.0.1;Port=1;Release=6.4"), section), "cfs").Connection.Release);
        Assert.Equal(new NsoRelease(6, 6), Read(Variables(("ConnectionStrings:cfs", "Host=127.0.0.1;Port=1"), section), "cfs").Connection.Release);
        Assert.Equal(new NsoRelease(6, 5), Read(Variables(("ConnectionStrings:cfs", "Host=127.0.0.1;Port=1")), "cfs").Connection.Release);
    }

    [Fact]
    public void The_connection_strings_access_file_wins_over_the_sections_and_the_sections_applies_when_it_names_none()
    {
        using var inString = new TempSecret("a\n");
        using var inSection = new TempSecret("b\n");
        var section = ("NsoDev:Ipc:cfs:AccessFile", (string?)inSection.Path);

        Assert.Equal(inString.Path, Read(Variables(("ConnectionStrings:cfs", $"Host=127.0.0.1;Port=1;AccessFile={inString.Path}"), section), "cfs").Connection.AccessFile);
        Assert.Equal(inSection.Path, Read(Variables(("ConnectionStrings:cfs", "Host=127.0.0.1;Port=1"), section), "cfs").Connection.AccessFile);
    }

    [Fact]
    public void A_ConnectionString_in_the_named_section_serves_when_ConnectionStrings_has_none_and_ConnectionStrings_wins_over_it()
    {
        var section = ("NsoDev:Ipc:cfs:ConnectionString", (string?)"Host=127.0.0.1;Port=20020");

        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 20020), Read(Variables(section), "cfs").Connection.Endpoint);
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 20030), Read(Variables(section, ("ConnectionStrings:cfs", "Host=127.0.0.1;Port=20030")), "cfs").Connection.Endpoint);
    }

    [Fact]
    public void A_bad_ConnectionString_in_a_section_is_reported_under_its_own_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(Variables(("NsoDev:Ipc:cfs:ConnectionString", "Path=relative.sock")), "cfs"));

        Assert.StartsWith("NsoDev:Ipc:cfs:ConnectionString is not a usable NSO IPC connection string: Path 'relative.sock' is not an absolute path.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_name_NsoDev_Ipc_ConnectionString_replaces_the_NCS_IPC_variables()
    {
        var connection = Read(Variables(("NsoDev:Ipc:ConnectionString", "Path=/run/nso/ipc.sock;Release=6.4"), ("NCS_IPC_PORT", "20010"))).Connection;

        Assert.Equal((new NsoIpcEndpoint.UnixSocket("/run/nso/ipc.sock"), new NsoRelease(6, 4)), (connection.Endpoint, connection.Release));
    }

    [Fact]
    public void ConfigureSettings_runs_last_and_may_change_what_configuration_and_the_connection_string_said()
    {
        var (_, connection) = Read(
            Variables(("ConnectionStrings:cfs", "Host=127.0.0.1;Port=20020;Release=6.4"), ("NsoDev:Ipc:ConnectRetries", "2")),
            "cfs",
            settings =>
            {
                Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 20020), settings.Endpoint);
                Assert.Equal(2, settings.ConnectRetries);
                settings.Endpoint = new NsoIpcEndpoint.Tcp("127.0.0.2", 20021);
                settings.Release = new NsoRelease(6, 7);
                settings.ConnectRetries = 0;
            });

        Assert.Equal((new NsoIpcEndpoint.Tcp("127.0.0.2", 20021), new NsoRelease(6, 7), 0), (connection.Endpoint, connection.Release, connection.ConnectRetries));
    }

    [Fact]
    public void A_ConnectionString_set_in_configureSettings_is_parsed_and_its_errors_say_where_it_came_from()
    {
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 20040), Read(Variables(), "cfs", s => s.ConnectionString = "Port=20040").Connection.Endpoint);

        var error = Assert.Throws<InvalidOperationException>(() => Read(Variables(), "cfs", s => s.ConnectionString = "Port=x"));

        Assert.StartsWith("The ConnectionString set in configureSettings is not a usable NSO IPC connection string: Port is 'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_Endpoint_key_in_configuration_is_refused_rather_than_silently_ignored()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(Variables(("ConnectionStrings:cfs", "Port=1"), ("NsoDev:Ipc:cfs:Endpoint", "tcp://127.0.0.1:4569")), "cfs"));

        Assert.StartsWith("NsoDev:Ipc:cfs:Endpoint cannot be set in configuration. Set NsoDev:Ipc:cfs:ConnectionString instead.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_release_in_configuration_that_is_not_one_is_refused_naming_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(Variables(("NsoDev:Ipc:Release", "latest"))));

        Assert.Contains("'NsoDev:Ipc:Release'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ConnectTimeout", "00:00:00", "NsoDev:Ipc:ConnectTimeout is 00:00:00, which is not a usable timeout. Set it to a positive time such as 00:00:05.")]
    [InlineData("ConnectTimeout", "-00:00:01", "NsoDev:Ipc:ConnectTimeout is -00:00:01, which is not a usable timeout. Set it to a positive time such as 00:00:05.")]
    [InlineData("ConnectRetries", "-1", "NsoDev:Ipc:ConnectRetries is -1. Set it to 0 for no retries, or to how many times a refused connect is retried.")]
    public void A_timeout_or_retry_count_that_cannot_work_stops_the_host_naming_the_key(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(Variables(($"NsoDev:Ipc:{key}", value))));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void An_endpoint_set_in_code_is_checked_too()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(Variables(), null, s => s.Endpoint = new NsoIpcEndpoint.Tcp("127.0.0.1", 0)));

        Assert.Equal("The endpoint's port 0 is not a TCP port. Give the instance's IPC port (1-65535).", error.Message);
    }
}
