using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Transport;

public sealed class AlgorithmNegotiationTests
{
    private static readonly KexInit Server = KexInit.ForServer(["ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256"], initial: true);

    [Fact]
    public void The_client_s_first_supported_algorithm_wins_whatever_the_server_prefers()
    {
        Assert.Equal("aes256-ctr", AlgorithmNegotiation.ChooseFirst(["chacha20-poly1305@openssh.com", "aes256-ctr", "aes128-ctr"], Server.CiphersClientToServer));
        Assert.Equal("rsa-sha2-256", AlgorithmNegotiation.ChooseFirst(["ssh-ed25519", "rsa-sha2-256", "ecdsa-sha2-nistp256"], Server.HostKey));
    }

    [Fact]
    public void Each_direction_is_chosen_on_its_own()
    {
        var client = Client() with { CiphersClientToServer = ["aes128-ctr"], CiphersServerToClient = ["aes256-gcm@openssh.com"], MacsServerToClient = ["hmac-sha1"] };

        var chosen = AlgorithmNegotiation.Negotiate(client, Server);

        Assert.Equal("aes128-ctr", chosen.CipherClientToServer.Name);
        Assert.Equal("hmac-sha2-512", chosen.MacClientToServer?.Name);
        Assert.Equal("aes256-gcm@openssh.com", chosen.CipherServerToClient.Name);
        Assert.Null(chosen.MacServerToClient);
    }

    [Fact]
    public void The_strict_kex_markers_are_never_chosen()
    {
        var chosen = AlgorithmNegotiation.Negotiate(Client() with { KeyExchange = ["kex-strict-c-v00@openssh.com", "ext-info-c", "ecdh-sha2-nistp256"] }, Server);

        Assert.Equal("ecdh-sha2-nistp256", chosen.KeyExchange);
    }

    [Fact]
    public void Nothing_in_common_fails_the_key_exchange_and_names_both_lists()
    {
        var error = Assert.Throws<SshProtocolException>(() => AlgorithmNegotiation.Negotiate(Client() with { CiphersClientToServer = ["3des-cbc", "aes128-cbc"] }, Server));

        Assert.Equal(DisconnectReason.KeyExchangeFailed, error.Reason);
        Assert.Equal(
            "no common cipher (client to server) algorithm: the client offers [3des-cbc,aes128-cbc], " +
            "this server supports [aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes256-ctr]",
            error.Message);
    }

    [Fact]
    public void Compression_other_than_none_is_refused()
    {
        var error = Assert.Throws<SshProtocolException>(() => AlgorithmNegotiation.Negotiate(Client() with { CompressionServerToClient = ["zlib@openssh.com"] }, Server));

        Assert.Contains("compression (server to client)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kexinit_survives_writing_and_parsing()
    {
        var parsed = KexInit.Parse(Server.ToPayload());

        Assert.Equal(["ecdh-sha2-nistp256", "kex-strict-s-v00@openssh.com"], parsed.KeyExchange);
        Assert.Equal(Server.HostKey, parsed.HostKey);
        Assert.Equal(Server.MacsServerToClient, parsed.MacsServerToClient);
        Assert.False(parsed.FirstKexPacketFollows);
    }

    private static KexInit Client() => new(
        ["curve25519-sha256", "ecdh-sha2-nistp256"],
        ["ssh-ed25519", "ecdsa-sha2-nistp256"],
        ["chacha20-poly1305@openssh.com", "aes128-ctr"],
        ["chacha20-poly1305@openssh.com", "aes128-ctr"],
        ["umac-64@openssh.com", "hmac-sha2-512"],
        ["umac-64@openssh.com", "hmac-sha2-512"],
        ["none", "zlib@openssh.com"],
        ["none", "zlib@openssh.com"],
        false);
}
