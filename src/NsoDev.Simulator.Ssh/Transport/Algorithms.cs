using System.Security.Cryptography;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>A cipher this server speaks, with the key and IV sizes key derivation must produce.</summary>
internal sealed record CipherAlgorithm(string Name, int KeySize, int IvSize, bool IsAead);

/// <summary>A MAC this server speaks (RFC 6668; -etm@openssh.com per OpenSSH PROTOCOL 1.5).</summary>
internal sealed record MacAlgorithm(string Name, HashAlgorithmName Hash, int KeySize, bool EncryptThenMac);

/// <summary>The algorithm names this server offers in its KEXINIT, in its order of preference.</summary>
internal static class Algorithms
{
    /// <summary>RFC 5656 section 6.3: ECDH on P-256 with a SHA-256 exchange hash.</summary>
    public const string EcdhNistp256 = "ecdh-sha2-nistp256";

    /// <summary>
    /// Strict key exchange, OpenSSH's answer to the Terrapin attack (OpenSSH PROTOCOL 1.10):
    /// markers in the kex list that are never chosen, only noticed.
    /// </summary>
    public const string StrictKexServer = "kex-strict-s-v00@openssh.com";

    public const string StrictKexClient = "kex-strict-c-v00@openssh.com";

    public const string NoCompression = "none";

    public static IReadOnlyList<string> KeyExchange { get; } = [EcdhNistp256];

    public static IReadOnlyList<CipherAlgorithm> Ciphers { get; } =
    [
        new("aes128-gcm@openssh.com", 16, GcmProtection.NonceSize, IsAead: true),
        new("aes256-gcm@openssh.com", 32, GcmProtection.NonceSize, IsAead: true),
        new("aes128-ctr", 16, AesCtr.BlockSize, IsAead: false),
        new("aes256-ctr", 32, AesCtr.BlockSize, IsAead: false),
    ];

    public static IReadOnlyList<MacAlgorithm> Macs { get; } =
    [
        new("hmac-sha2-256-etm@openssh.com", HashAlgorithmName.SHA256, 32, EncryptThenMac: true),
        new("hmac-sha2-512-etm@openssh.com", HashAlgorithmName.SHA512, 64, EncryptThenMac: true),
        new("hmac-sha2-256", HashAlgorithmName.SHA256, 32, EncryptThenMac: false),
        new("hmac-sha2-512", HashAlgorithmName.SHA512, 64, EncryptThenMac: false),
    ];

    public static IReadOnlyList<string> Compression { get; } = [NoCompression];

    /// <summary>Builds one direction's protection from derived keys.</summary>
    public static PacketProtection CreateProtection(CipherAlgorithm cipher, MacAlgorithm? mac, byte[] key, byte[] iv, byte[] macKey)
    {
        if (cipher.IsAead)
        {
            return new GcmProtection(key, iv);
        }

        ArgumentNullException.ThrowIfNull(mac);
        return new CtrHmacProtection(new AesCtr(key, iv), IncrementalHash.CreateHMAC(mac.Hash, macKey), mac.EncryptThenMac);
    }
}
