using NsoDev.Ipc;

namespace NsoDev.Client.Tests.ConnectionStrings;

/// <summary>
/// The connection string the app host gives for each referenced instance: <c>Host=...;Port=...</c> or
/// <c>Path=...</c>, with optional <c>Release</c> and <c>AccessFile</c>; keys case-insensitive, in any order.
/// </summary>
public sealed class NsoIpcConnectionStringTests
{
    [Fact]
    public void Tcp_ipc_is_a_host_and_a_port()
    {
        var parsed = NsoIpcConnectionString.Parse("Host=127.0.0.1;Port=4569;Release=6.5");

        Assert.Equal(new NsoIpcConnectionString(new NsoIpcEndpoint.Tcp("127.0.0.1", 4569), new NsoRelease(6, 5)), parsed);
    }

    [Fact]
    public void Unix_socket_ipc_is_a_path()
    {
        var parsed = NsoIpcConnectionString.Parse("Path=/run/user/1000/nsodev/ipc/cfs.3f9a2c1b.sock;Release=6.5");

        Assert.Equal(new NsoIpcEndpoint.UnixSocket("/run/user/1000/nsodev/ipc/cfs.3f9a2c1b.sock"), parsed.Endpoint);
    }

    [Fact]
    public void The_access_file_comes_with_either_transport()
    {
        Assert.Equal("/abs/path/secrets/ipc_access", NsoIpcConnectionString.Parse("Host=127.0.0.1;Port=4569;Release=6.5;AccessFile=/abs/path/secrets/ipc_access").AccessFile);
        Assert.Equal("/abs/path/secrets/ipc_access", NsoIpcConnectionString.Parse("Path=/run/x.sock;AccessFile=/abs/path/secrets/ipc_access").AccessFile);
    }

    [Fact]
    public void Without_an_access_file_the_check_is_off_and_without_a_release_none_is_named()
    {
        var parsed = NsoIpcConnectionString.Parse("Host=127.0.0.1;Port=4569");

        Assert.Equal((null, null), (parsed.AccessFile, parsed.Release));
        Assert.Equal(new NsoRelease(6, 5), NsoIpcConnectionString.DefaultRelease);
    }

    [Theory]
    [InlineData("6.2", 6, 2)]
    [InlineData("6.7", 6, 7)]
    [InlineData("6.4.1.2", 6, 4)]
    public void The_release_is_major_and_minor(string release, int major, int minor)
    {
        Assert.Equal(new NsoRelease(major, minor), NsoIpcConnectionString.Parse($"Host=127.0.0.1;Port=1;Release={release}").Release);
    }

    [Fact]
    public void Keys_are_case_insensitive_in_any_order_with_spaces_around_them()
    {
        var parsed = NsoIpcConnectionString.Parse(" accessfile = /s/ipc_access ; RELEASE=6.6;port=20010 ; host=127.0.0.2");

        Assert.Equal(new NsoIpcConnectionString(new NsoIpcEndpoint.Tcp("127.0.0.2", 20010), new NsoRelease(6, 6), "/s/ipc_access"), parsed);
    }

    [Fact]
    public void A_quoted_value_may_hold_a_semicolon()
    {
        Assert.Equal(new NsoIpcEndpoint.UnixSocket("/tmp/a;b.sock"), NsoIpcConnectionString.Parse("Path=\"/tmp/a;b.sock\"").Endpoint);
    }

    [Fact]
    public void A_host_alone_or_a_port_alone_takes_NSOs_default_for_the_other()
    {
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), NsoIpcConnectionString.Parse("Port=20010").Endpoint);
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.3", 4569), NsoIpcConnectionString.Parse("Host=127.0.0.3").Endpoint);
    }

    [Theory]
    [InlineData("host.docker.internal")]
    [InlineData("localhost")]
    [InlineData("nso-1")]
    public void A_host_name_is_accepted_since_containers_and_published_deployments_are_given_one(string host)
    {
        Assert.Equal(new NsoIpcEndpoint.Tcp(host, 4569), NsoIpcConnectionString.Parse($"Host={host};Port=4569").Endpoint);
    }

    [Fact]
    public void An_ipv6_host_is_accepted()
    {
        Assert.Equal(new NsoIpcEndpoint.Tcp("::1", 4569), NsoIpcConnectionString.Parse("Host=::1;Port=4569").Endpoint);
    }

    [Fact]
    public void An_empty_value_counts_as_unset()
    {
        Assert.Null(NsoIpcConnectionString.Parse("Host=127.0.0.1;Port=4569;AccessFile=;Release=").AccessFile);
    }

    [Fact]
    public void A_repeated_key_keeps_its_last_value_as_DbConnectionStringBuilder_does()
    {
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 2), NsoIpcConnectionString.Parse("Port=1;Port=2").Endpoint);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=4569;Release=6.5")]
    [InlineData("Host=::1;Port=1;AccessFile=\"/a dir/with;semicolon\"")]
    [InlineData("Path=/run/user/1000/nsodev/ipc/cfs.3f9a2c1b.sock;Release=6.7;AccessFile=/abs/ipc_access")]
    public void The_canonical_form_reads_back_to_the_same(string text)
    {
        var parsed = NsoIpcConnectionString.Parse(text);

        Assert.Equal(parsed, NsoIpcConnectionString.Parse(parsed.ToString()));
    }

    [Fact]
    public void The_canonical_form_is_the_one_the_contract_shows()
    {
        var connectionString = new NsoIpcConnectionString(new NsoIpcEndpoint.Tcp("127.0.0.1", 4569), new NsoRelease(6, 5), "/abs/path/secrets/ipc_access");

        Assert.Equal("Host=127.0.0.1;Port=4569;Release=6.5;AccessFile=/abs/path/secrets/ipc_access", connectionString.ToString());
        Assert.Equal("Path=/run/x.sock", new NsoIpcConnectionString(new NsoIpcEndpoint.UnixSocket("/run/x.sock")).ToString());
    }

    [Theory]
    [InlineData("Host", "it is not a list of KEY=VALUE pairs separated by ';' (quote a value that holds ';' or '=').")]
    [InlineData("Host=127.0.0.1;Port", "it is not a list of KEY=VALUE pairs separated by ';' (quote a value that holds ';' or '=').")]
    [InlineData("", "it names no endpoint. Give Host and Port for TCP IPC, or Path for a Unix socket.")]
    [InlineData("Release=6.5;AccessFile=/s", "it names no endpoint. Give Host and Port for TCP IPC, or Path for a Unix socket.")]
    [InlineData("Path=/run/x.sock;Port=4569", "it has both Path and Host/Port, but an instance serves IPC on one of them. Keep Path for a Unix socket, or Host and Port for TCP.")]
    [InlineData("Host=not a host;Port=4569", "Host is 'not a host', which is neither an IP address nor a host name. Set Host to the instance's IPC address, such as 127.0.0.1.")]
    [InlineData("Host=127.0.0.256;Port=4569", "Host is '127.0.0.256', which is neither an IP address nor a host name. Set Host to the instance's IPC address, such as 127.0.0.1.")]
    [InlineData("Host=127.0.0.1;Port=0", "Port is '0', which is not a TCP port. Set it to the instance's IPC port (1-65535).")]
    [InlineData("Host=127.0.0.1;Port=65536", "Port is '65536', which is not a TCP port. Set it to the instance's IPC port (1-65535).")]
    [InlineData("Host=127.0.0.1;Port=+4569", "Port is '+4569', which is not a TCP port. Set it to the instance's IPC port (1-65535).")]
    [InlineData("Host=127.0.0.1;Port=ipc", "Port is 'ipc', which is not a TCP port. Set it to the instance's IPC port (1-65535).")]
    [InlineData("Host=127.0.0.1;Port=1;Release=six", "Release is 'six', which is not an NSO release. Set it to the instance's release, such as 6.5.")]
    [InlineData("Host=127.0.0.1;Port=1;Release=6", "Release is '6', which is not an NSO release. Set it to the instance's release, such as 6.5.")]
    [InlineData("Host=127.0.0.1;Port=1;Release=6.5 (nso-sim)", "Release is '6.5 (nso-sim)', which is not an NSO release. Set it to the instance's release, such as 6.5.")]
    [InlineData("Path=ipc.sock", "Path 'ipc.sock' is not an absolute path. Give the full path.")]
    [InlineData("Host=127.0.0.1;Port=1;AccessFile=secrets/ipc_access", "AccessFile 'secrets/ipc_access' is not an absolute path. Give the full path.")]
    [InlineData("Host=127.0.0.1;Port=1;Adress=127.0.0.2", "it has a key 'adress', which an NSO IPC connection string does not have. Its keys are Host, Port, Path, Release, AccessFile.")]
    public void A_bad_connection_string_is_refused_with_the_key_at_fault_and_what_to_write(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => NsoIpcConnectionString.Parse(text));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void A_socket_path_over_107_bytes_is_refused_with_its_length()
    {
        var path = "/run/" + new string('s', 103);

        var error = Assert.Throws<FormatException>(() => NsoIpcConnectionString.Parse($"Path={path}"));

        Assert.Equal($"Path '{path}' is 108 bytes long, over the 107 bytes a Unix socket path may have. Give the instance a shorter socket path.", error.Message);
    }

    [Fact]
    public void The_value_of_a_key_it_does_not_know_is_never_quoted()
    {
        var error = Assert.Throws<FormatException>(() => NsoIpcConnectionString.Parse("Password=s3cret-value;Host=127.0.0.1"));

        Assert.DoesNotContain("s3cret-value", error.Message, StringComparison.Ordinal);
    }
}
