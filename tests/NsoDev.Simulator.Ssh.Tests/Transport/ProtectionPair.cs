using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Transport;

/// <summary>Two protections made from the same keys: one seals, the other opens.</summary>
internal static class ProtectionPair
{
    public static IEnumerable<object[]> All =>
    [
        ["none", ""],
        ["aes128-ctr", "hmac-sha2-256"],
        ["aes256-ctr", "hmac-sha2-512"],
        ["aes128-ctr", "hmac-sha2-256-etm@openssh.com"],
        ["aes256-ctr", "hmac-sha2-512-etm@openssh.com"],
        ["aes128-gcm@openssh.com", ""],
        ["aes256-gcm@openssh.com", ""],
    ];

    public static (PacketWriter Writer, PacketReader Reader) Create(string cipherName, string macName) =>
        (new PacketWriter { Protection = One(cipherName, macName) }, new PacketReader { Protection = One(cipherName, macName) });

    private static PacketProtection One(string cipherName, string macName)
    {
        if (cipherName == "none")
        {
            return PacketProtection.None;
        }

        var cipher = Algorithms.Ciphers.Single(c => c.Name == cipherName);
        var mac = cipher.IsAead ? null : Algorithms.Macs.Single(m => m.Name == macName);
        var key = Enumerable.Range(1, cipher.KeySize).Select(i => (byte)i).ToArray();
        var iv = Enumerable.Range(100, cipher.IvSize).Select(i => (byte)i).ToArray();
        var macKey = Enumerable.Range(200, mac?.KeySize ?? 0).Select(i => (byte)i).ToArray();
        return Algorithms.CreateProtection(cipher, mac, key, iv, macKey);
    }
}
