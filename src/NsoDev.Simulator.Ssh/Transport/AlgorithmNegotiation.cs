namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>What one key exchange settled on. A null MAC means the cipher authenticates itself (GCM).</summary>
internal sealed record NegotiatedAlgorithms(
    string KeyExchange,
    string HostKey,
    CipherAlgorithm CipherClientToServer,
    MacAlgorithm? MacClientToServer,
    CipherAlgorithm CipherServerToClient,
    MacAlgorithm? MacServerToClient);

/// <summary>Algorithm choice, RFC 4253 section 7.1.</summary>
internal static class AlgorithmNegotiation
{
    /// <summary>The first algorithm on the client's list that the server also supports.</summary>
    public static string? ChooseFirst(IEnumerable<string> client, IEnumerable<string> server)
    {
        var supported = server.ToHashSet(StringComparer.Ordinal);
        return client.FirstOrDefault(supported.Contains);
    }

    public static NegotiatedAlgorithms Negotiate(KexInit client, KexInit server)
    {
        var kex = Choose("key exchange", client.KeyExchange, server.KeyExchange);
        var hostKey = Choose("host key", client.HostKey, server.HostKey);
        var cipherIn = Cipher(Choose("cipher (client to server)", client.CiphersClientToServer, server.CiphersClientToServer));
        var cipherOut = Cipher(Choose("cipher (server to client)", client.CiphersServerToClient, server.CiphersServerToClient));

        // An AEAD cipher makes the MAC list moot (OpenSSH PROTOCOL section 1.6).
        var macIn = cipherIn.IsAead ? null : Mac(Choose("MAC (client to server)", client.MacsClientToServer, server.MacsClientToServer));
        var macOut = cipherOut.IsAead ? null : Mac(Choose("MAC (server to client)", client.MacsServerToClient, server.MacsServerToClient));
        Choose("compression (client to server)", client.CompressionClientToServer, server.CompressionClientToServer);
        Choose("compression (server to client)", client.CompressionServerToClient, server.CompressionServerToClient);
        return new NegotiatedAlgorithms(kex, hostKey, cipherIn, macIn, cipherOut, macOut);
    }

    private static string Choose(string what, IReadOnlyList<string> client, IReadOnlyList<string> server) =>
        ChooseFirst(client, server)
        ?? throw new SshProtocolException(
            DisconnectReason.KeyExchangeFailed,
            $"no common {what} algorithm: the client offers [{string.Join(',', client)}], this server supports [{string.Join(',', server)}]");

    private static CipherAlgorithm Cipher(string name) => Algorithms.Ciphers.First(c => c.Name == name);

    private static MacAlgorithm Mac(string name) => Algorithms.Macs.First(m => m.Name == name);
}
