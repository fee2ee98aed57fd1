using System.Security.Cryptography;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>The algorithm lists of one side's SSH_MSG_KEXINIT (RFC 4253 section 7.1).</summary>
internal sealed record KexInit(
    IReadOnlyList<string> KeyExchange,
    IReadOnlyList<string> HostKey,
    IReadOnlyList<string> CiphersClientToServer,
    IReadOnlyList<string> CiphersServerToClient,
    IReadOnlyList<string> MacsClientToServer,
    IReadOnlyList<string> MacsServerToClient,
    IReadOnlyList<string> CompressionClientToServer,
    IReadOnlyList<string> CompressionServerToClient,
    bool FirstKexPacketFollows)
{
    // 14                         SSH_MSG_KEXINIT
    // 16 bytes                   random cookie
    // 00 00 00 12 "ecdh-sha2-nistp256"        kex_algorithms
    // ...                        host key, ciphers c2s/s2c, MACs c2s/s2c, compression c2s/s2c,
    //                            languages c2s/s2c (name-lists)
    // 00                         first_kex_packet_follows
    // 00 00 00 00                reserved
    public static KexInit Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        reader.ReadBytes(16);
        var init = new KexInit(
            reader.ReadNameList(),
            reader.ReadNameList(),
            reader.ReadNameList(),
            reader.ReadNameList(),
            reader.ReadNameList(),
            reader.ReadNameList(),
            reader.ReadNameList(),
            reader.ReadNameList(),
            FirstKexPacketFollows: false);
        reader.ReadNameList();
        reader.ReadNameList();
        return init with { FirstKexPacketFollows = reader.ReadBoolean() };
    }

    /// <summary>This server's offer; the strict-kex marker goes only into the first one.</summary>
    public static KexInit ForServer(IReadOnlyList<string> hostKeyAlgorithms, bool initial)
    {
        var ciphers = Algorithms.Ciphers.Select(c => c.Name).ToArray();
        var macs = Algorithms.Macs.Select(m => m.Name).ToArray();
        IReadOnlyList<string> kex = initial ? [.. Algorithms.KeyExchange, Algorithms.StrictKexServer] : Algorithms.KeyExchange;
        return new KexInit(kex, hostKeyAlgorithms, ciphers, ciphers, macs, macs, Algorithms.Compression, Algorithms.Compression, false);
    }

    public byte[] ToPayload()
    {
        var writer = SshWriter.Message(SshMessage.KexInit, 512);
        writer.WriteRaw(RandomNumberGenerator.GetBytes(16));
        foreach (var list in new[] { KeyExchange, HostKey, CiphersClientToServer, CiphersServerToClient, MacsClientToServer, MacsServerToClient, CompressionClientToServer, CompressionServerToClient })
        {
            writer.WriteNameList(list);
        }

        return writer.WriteNameList([]).WriteNameList([]).WriteBoolean(FirstKexPacketFollows).WriteUInt32(0).ToArray();
    }
}
