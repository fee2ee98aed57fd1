using NsoDev.Ipc;

namespace NsoDev.Client.Tests.Settings;

/// <summary>How <c>AddNsoIpcClient()</c> without a name reads the variables NSO's own clients read (NSO-NOTES §3 and §4).</summary>
public sealed class NcsIpcVariablesTests
{
    [Fact]
    public void Without_any_variable_the_client_goes_to_127_0_0_1_port_4569_with_no_access_check_and_speaks_6_5()
    {
        var connection = Bind();

        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 4569), connection.Endpoint);
        Assert.Null(connection.AccessFile);
        Assert.Null(connection.ReadSecret());
        Assert.Equal(new NsoRelease(6, 5), connection.Release);
        Assert.Null(connection.Name);
    }

    [Fact]
    public void Address_and_port_make_a_tcp_endpoint()
    {
        var connection = Bind(("NCS_IPC_ADDR", "127.0.0.2"), ("NCS_IPC_PORT", "20010"));

        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.2", 20010), connection.Endpoint);
    }

    [Fact]
    public void A_port_alone_keeps_the_default_address()
    {
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), Bind(("NCS_IPC_PORT", "20010")).Endpoint);
    }

    [Fact]
    public void An_ipv6_address_is_accepted()
    {
        Assert.Equal(new NsoIpcEndpoint.Tcp("::1", 4569), Bind(("NCS_IPC_ADDR", "::1")).Endpoint);
    }

    [Fact]
    public void A_socket_path_wins_over_address_and_port()
    {
        var connection = Bind(("NCS_IPC_PATH", "/run/user/1000/nsodev/ipc/b.sock"), ("NCS_IPC_ADDR", "127.0.0.1"), ("NCS_IPC_PORT", "20010"));

        Assert.Equal(new NsoIpcEndpoint.UnixSocket("/run/user/1000/nsodev/ipc/b.sock"), connection.Endpoint);
    }

    [Fact]
    public void A_socket_path_wins_even_over_a_port_that_is_not_a_number()
    {
        // Clients never look at NCS_IPC_PORT once NCS_IPC_PATH is set, so a stale port cannot stop them.
        var connection = Bind(("NCS_IPC_PATH", "/tmp/x.sock"), ("NCS_IPC_PORT", "not-a-port"));

        Assert.Equal(new NsoIpcEndpoint.UnixSocket("/tmp/x.sock"), connection.Endpoint);
    }

    [Fact]
    public void An_empty_socket_path_counts_as_unset()
    {
        Assert.Equal(new NsoIpcEndpoint.Tcp("127.0.0.1", 20010), Bind(("NCS_IPC_PATH", ""), ("NCS_IPC_PORT", "20010")).Endpoint);
    }

    [Fact]
    public void A_socket_path_over_107_bytes_is_refused_with_its_length_and_the_fix()
    {
        var path = "/tmp/" + new string('s', 103);

        var error = Assert.Throws<InvalidOperationException>(() => Bind(("NCS_IPC_PATH", path)));

        Assert.Equal($"NCS_IPC_PATH is '{path}', 108 bytes long, over the 107 bytes a Unix socket path may have. Give the instance a shorter socket path.", error.Message);
    }

    [Fact]
    public void A_socket_path_of_107_bytes_fits()
    {
        var path = "/tmp/" + new string('s', 102);

        Assert.Equal(new NsoIpcEndpoint.UnixSocket(path), Bind(("NCS_IPC_PATH", path)).Endpoint);
    }

    [Fact]
    public void NCS_IPC_ACCESS_FILE_turns_the_access_check_on()
    {
        using var secret = new TempSecret("s\n");

        Assert.Equal(secret.Path, Bind(("NCS_IPC_ACCESS_FILE", secret.Path)).AccessFile);
    }

    [Fact]
    public void CONFD_IPC_ACCESS_FILE_is_read_before_NCS_IPC_ACCESS_FILE()
    {
        using var ncs = new TempSecret("ncs\n");
        using var confd = new TempSecret("confd\n");

        var connection = Bind(("NCS_IPC_ACCESS_FILE", ncs.Path), ("CONFD_IPC_ACCESS_FILE", confd.Path));

        Assert.Equal(confd.Path, connection.AccessFile);
    }

    [Fact]
    public void An_empty_CONFD_IPC_ACCESS_FILE_falls_back_to_NCS_IPC_ACCESS_FILE()
    {
        using var ncs = new TempSecret("ncs\n");

        Assert.Equal(ncs.Path, Bind(("CONFD_IPC_ACCESS_FILE", ""), ("NCS_IPC_ACCESS_FILE", ncs.Path)).AccessFile);
    }

    [Fact]
    public void An_empty_access_file_variable_leaves_the_check_off()
    {
        Assert.Null(Bind(("NCS_IPC_ACCESS_FILE", "")).AccessFile);
    }

    [Fact]
    public void The_release_comes_from_NsoDev_Ipc_Release_since_NSO_has_no_variable_for_it()
    {
        Assert.Equal(new NsoRelease(6, 7), Bind(("NsoDev:Ipc:Release", "6.7")).Release);
    }

    [Theory]
    [InlineData("4569x")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("ipc")]
    public void A_port_that_is_not_a_tcp_port_is_refused_with_the_variable_the_value_and_the_fix(string port)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind(("NCS_IPC_PORT", port)));

        Assert.Equal($"NCS_IPC_PORT is '{port}', which is not a TCP port. Set it to the instance's IPC port (1-65535), or unset it for 4569.", error.Message);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.256")]
    [InlineData("nso.example.com")]
    public void An_address_that_is_not_an_ip_address_is_refused_with_the_variable_the_value_and_the_fix(string address)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind(("NCS_IPC_ADDR", address)));

        Assert.Equal($"NCS_IPC_ADDR is '{address}', which is not an IP address. Set it to the instance's IPC address, such as 127.0.0.1.", error.Message);
    }

    [Fact]
    public void A_missing_access_file_is_an_error_that_names_the_file_and_the_fix_never_a_silent_fallback()
    {
        var missing = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nsodev-missing-{Guid.NewGuid():N}", "ipc_access");

        var error = Assert.Throws<InvalidOperationException>(() => Bind(("NCS_IPC_ACCESS_FILE", missing)));

        Assert.StartsWith($"NCS_IPC_ACCESS_FILE is '{missing}', but it cannot be read (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Give this process read access to the instance's secret file, or unset NCS_IPC_ACCESS_FILE if the instance's access check is off.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_CONFD_IPC_ACCESS_FILE_is_named_as_such_since_it_is_the_one_read()
    {
        // A directory cannot be read as a file, whoever runs the test (root reads files of mode 0000).
        var directory = Directory.CreateTempSubdirectory("nsodev-client-").FullName;
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => Bind(("CONFD_IPC_ACCESS_FILE", directory), ("NCS_IPC_ACCESS_FILE", "/never/read")));

            Assert.StartsWith($"CONFD_IPC_ACCESS_FILE is '{directory}', but it cannot be read (", error.Message, StringComparison.Ordinal);
            Assert.EndsWith("or unset CONFD_IPC_ACCESS_FILE if the instance's access check is off.", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public void The_secret_is_the_whole_access_file_byte_for_byte_trailing_newline_included()
    {
        using var secret = new TempSecret("s3cret\n");

        byte[] expected = [.. "s3cret\n"u8];
        Assert.Equal(expected, Bind(("NCS_IPC_ACCESS_FILE", secret.Path)).ReadSecret());
    }

    [Fact]
    public void An_access_file_removed_after_start_up_fails_the_next_connect_with_the_same_message()
    {
        var secret = new TempSecret("s\n");
        var connection = Bind(("NCS_IPC_ACCESS_FILE", secret.Path));
        secret.Dispose();

        var error = Assert.Throws<AccessFileUnreadableException>(connection.ReadSecret);

        Assert.StartsWith($"NCS_IPC_ACCESS_FILE is '{secret.Path}', but it cannot be read (", error.Message, StringComparison.Ordinal);
    }

    private static NsoIpcConnection Bind(params (string Key, string? Value)[] variables) => ClientHost.Read(ClientHost.Variables(variables)).Connection;
}
