using NsoDev.Simulator.Ssh.Tests.Support;

namespace NsoDev.Simulator.Ssh.Tests.Interop;

public sealed class SshNetAlgorithmTests
{
    public static TheoryData<string, string> CiphersAndMacs()
    {
        var data = new TheoryData<string, string>();
        foreach (var cipher in new[] { "aes128-ctr", "aes256-ctr" })
        {
            foreach (var mac in new[] { "hmac-sha2-256", "hmac-sha2-512", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com" })
            {
                data.Add(cipher, mac);
            }
        }

        // GCM authenticates itself: the MAC list does not matter.
        data.Add("aes128-gcm@openssh.com", "hmac-sha2-256");
        data.Add("aes256-gcm@openssh.com", "hmac-sha2-512");
        return data;
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(CiphersAndMacs))]
    public async Task Each_cipher_and_mac_is_used_when_the_client_offers_only_that(string cipher, string mac)
    {
        await using var server = Start();
        var info = server.ConnectionInfo();
        Keep(info.Encryptions, cipher);
        Keep(info.HmacAlgorithms, mac);

        using var client = await server.ConnectAsync(info, TestContext.Current.CancellationToken);

        Assert.Equal(cipher, info.CurrentClientEncryption);
        Assert.Equal(cipher, info.CurrentServerEncryption);
        if (!cipher.Contains("gcm", StringComparison.Ordinal))
        {
            Assert.Equal(mac, info.CurrentClientHmacAlgorithm);
            Assert.Equal(mac, info.CurrentServerHmacAlgorithm);
        }

        Assert.Equal("ecdh-sha2-nistp256", info.CurrentKeyExchangeAlgorithm);
        Assert.Equal(new string('z', 100_000), client.RunCommand("z").Result);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("ecdsa-sha2-nistp256")]
    [InlineData("rsa-sha2-512")]
    [InlineData("rsa-sha2-256")]
    public async Task Each_host_key_algorithm_is_used_when_the_client_offers_only_that(string algorithm)
    {
        await using var server = Start();
        var info = server.ConnectionInfo();
        Keep(info.HostKeyAlgorithms, algorithm);

        using var client = await server.ConnectAsync(info, TestContext.Current.CancellationToken);

        Assert.Equal(algorithm, info.CurrentHostKeyAlgorithm);
        Assert.Equal(new string('z', 100_000), client.RunCommand("z").Result);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_client_with_no_cipher_in_common_is_told_why()
    {
        await using var server = Start();
        var info = server.ConnectionInfo();
        Keep(info.Encryptions, "aes128-cbc");

        await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectAsync(info, TestContext.Current.CancellationToken));

        Assert.Contains(server.Log, line => line.Contains("disconnecting: no common cipher (client to server) algorithm: the client offers [aes128-cbc]", StringComparison.Ordinal));
    }

    private static TestServer Start()
    {
        var handlers = new TestHandlers();
        handlers.Commands["z"] = TestHandlers.Writes(new string('z', 100_000));
        return TestServer.Start(handlers);
    }

    private static void Keep<T>(IDictionary<string, T> algorithms, string name)
    {
        foreach (var other in algorithms.Keys.Where(k => k != name).ToList())
        {
            algorithms.Remove(other);
        }

        Assert.Single(algorithms);
    }
}
