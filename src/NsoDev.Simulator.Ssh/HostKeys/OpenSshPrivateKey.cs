using System.Numerics;
using System.Security.Cryptography;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.HostKeys;

/// <summary>
/// Unencrypted keys in the format ssh-keygen writes by default (OpenSSH PROTOCOL.key), so that a
/// key directory made for a real NSO works here too.
/// </summary>
internal static class OpenSshPrivateKey
{
    public const string PemLabel = "OPENSSH PRIVATE KEY";
    private static readonly byte[] Magic = "openssh-key-v1\0"u8.ToArray();

    // -----BEGIN OPENSSH PRIVATE KEY-----, then base64 of:
    //   "openssh-key-v1" 00, string "none" (cipher), string "none" (kdf), string "" (kdf options),
    //   00 00 00 01 (one key), string public key blob, string private section:
    //     uint32 check, uint32 check (equal), string key type, the key's fields, string comment, padding
    public static ECDsa ReadEcdsa(string text)
    {
        var section = PrivateSection(text);
        var reader = new SshReader(section);
        Expect(reader.ReadString(), EcdsaHostKey.Algorithm);
        Expect(reader.ReadString(), "nistp256");
        var q = reader.ReadBinary();
        if (q.Length != 65 || q[0] != 0x04)
        {
            throw new FormatException("the ECDSA public point is not an uncompressed P-256 point.");
        }

        return ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = q[1..33].ToArray(), Y = q[33..].ToArray() },
            D = Unsigned(reader.ReadBinary(), 32),
        });
    }

    // RSA private fields: mpint n, e, d, iqmp, p, q; .NET also wants d mod (p-1) and d mod (q-1).
    public static RSA ReadRsa(string text)
    {
        var section = PrivateSection(text);
        var reader = new SshReader(section);
        Expect(reader.ReadString(), "ssh-rsa");
        var n = Integer(reader.ReadBinary());
        var e = Integer(reader.ReadBinary());
        var d = Integer(reader.ReadBinary());
        var iqmp = Integer(reader.ReadBinary());
        var p = Integer(reader.ReadBinary());
        var q = Integer(reader.ReadBinary());
        var size = n.GetByteCount(isUnsigned: true);
        var half = (size + 1) / 2;
        return RSA.Create(new RSAParameters
        {
            Modulus = Bytes(n, size),
            Exponent = Bytes(e, e.GetByteCount(isUnsigned: true)),
            D = Bytes(d, size),
            P = Bytes(p, half),
            Q = Bytes(q, half),
            DP = Bytes(d % (p - 1), half),
            DQ = Bytes(d % (q - 1), half),
            InverseQ = Bytes(iqmp, half),
        });
    }

    private static byte[] PrivateSection(string text)
    {
        var fields = PemEncoding.Find(text);
        var blob = Convert.FromBase64String(text[fields.Base64Data]);
        if (!blob.AsSpan().StartsWith(Magic))
        {
            throw new FormatException("the key does not start with openssh-key-v1.");
        }

        var reader = new SshReader(blob.AsSpan(Magic.Length));
        var cipher = reader.ReadString();
        if (cipher != "none" || reader.ReadString() != "none")
        {
            throw new FormatException($"the key is encrypted ({cipher}); nso-sim cannot ask for a passphrase.");
        }

        reader.ReadBinary();
        if (reader.ReadUInt32() != 1)
        {
            throw new FormatException("the file must hold exactly one key.");
        }

        reader.ReadBinary();
        var section = reader.ReadBinary();
        var inner = new SshReader(section);
        if (inner.ReadUInt32() != inner.ReadUInt32())
        {
            throw new FormatException("the check numbers differ, so the key is damaged.");
        }

        return section[8..].ToArray();
    }

    private static void Expect(string actual, string expected)
    {
        if (actual != expected)
        {
            throw new FormatException($"the key is {actual}, not {expected}.");
        }
    }

    private static BigInteger Integer(ReadOnlySpan<byte> mpint) => new(mpint, isUnsigned: true, isBigEndian: true);

    private static byte[] Unsigned(ReadOnlySpan<byte> mpint, int size) => Bytes(Integer(mpint), size);

    private static byte[] Bytes(BigInteger value, int size)
    {
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (raw.Length > size)
        {
            throw new FormatException($"a key field of {raw.Length} bytes is longer than {size}.");
        }

        var padded = new byte[size];
        raw.CopyTo(padded, size - raw.Length);
        return padded;
    }
}
