using System.Security.Cryptography;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.HostKeys;

/// <summary>A server host key: its public blob for clients, and signatures of the exchange hash.</summary>
internal abstract class HostKey : IDisposable
{
    /// <summary>The key type in the public blob and in .pub files, such as "ssh-rsa".</summary>
    public abstract string KeyType { get; }

    /// <summary>The signature algorithms this key can make, in this server's order of preference.</summary>
    public abstract IReadOnlyList<string> SignatureAlgorithms { get; }

    /// <summary>The public key blob, K_S in the exchange hash (RFC 4253 section 6.6).</summary>
    public abstract byte[] PublicKeyBlob { get; }

    /// <summary>The fingerprint OpenSSH shows: SHA256 of the blob, base64 without padding.</summary>
    public string Fingerprint => "SHA256:" + Convert.ToBase64String(SHA256.HashData(PublicKeyBlob)).TrimEnd('=');

    /// <summary>The public key line of an OpenSSH .pub file or known_hosts entry.</summary>
    public string OpenSshPublicKey => $"{KeyType} {Convert.ToBase64String(PublicKeyBlob)}";

    /// <summary>The signature blob: string algorithm, string signature.</summary>
    public byte[] Sign(string algorithm, ReadOnlySpan<byte> data) =>
        new SshWriter().WriteString(algorithm).WriteBinary(SignRaw(algorithm, data)).ToArray();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract byte[] SignRaw(string algorithm, ReadOnlySpan<byte> data);

    protected abstract void Dispose(bool disposing);
}

/// <summary>ecdsa-sha2-nistp256 (RFC 5656 sections 3.1 and 3.1.2).</summary>
internal sealed class EcdsaHostKey : HostKey
{
    public const string Algorithm = "ecdsa-sha2-nistp256";
    private readonly ECDsa _key;

    public EcdsaHostKey(ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new ArgumentException($"an ecdsa-sha2-nistp256 host key must be on P-256, not {parameters.Curve.Oid.FriendlyName}", nameof(key));
        }

        _key = key;

        // string "ecdsa-sha2-nistp256", string "nistp256", string Q (04 || X || Y)
        PublicKeyBlob = new SshWriter()
            .WriteString(Algorithm)
            .WriteString("nistp256")
            .WriteBinary([0x04, .. parameters.Q.X!, .. parameters.Q.Y!])
            .ToArray();
    }

    public override string KeyType => Algorithm;

    public override IReadOnlyList<string> SignatureAlgorithms { get; } = [Algorithm];

    public override byte[] PublicKeyBlob { get; }

    // The signature is string(mpint r || mpint s).
    protected override byte[] SignRaw(string algorithm, ReadOnlySpan<byte> data)
    {
        var signature = _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var half = signature.Length / 2;
        return new SshWriter().WriteMpint(signature.AsSpan(0, half)).WriteMpint(signature.AsSpan(half)).ToArray();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _key.Dispose();
        }
    }
}

/// <summary>An RSA key that signs as rsa-sha2-512 or rsa-sha2-256 (RFC 8332), never SHA-1 ssh-rsa.</summary>
internal sealed class RsaHostKey : HostKey
{
    public const int MinimumKeySize = 2048;
    private readonly RSA _key;

    public RsaHostKey(RSA key)
    {
        if (key.KeySize < MinimumKeySize)
        {
            throw new ArgumentException($"an RSA host key needs at least {MinimumKeySize} bits, not {key.KeySize}", nameof(key));
        }

        _key = key;
        var parameters = key.ExportParameters(includePrivateParameters: false);

        // string "ssh-rsa", mpint e, mpint n (RFC 4253 section 6.6; RFC 8332 keeps the blob)
        PublicKeyBlob = new SshWriter().WriteString("ssh-rsa").WriteMpint(parameters.Exponent).WriteMpint(parameters.Modulus).ToArray();
    }

    public override string KeyType => "ssh-rsa";

    public override IReadOnlyList<string> SignatureAlgorithms { get; } = ["rsa-sha2-512", "rsa-sha2-256"];

    public override byte[] PublicKeyBlob { get; }

    protected override byte[] SignRaw(string algorithm, ReadOnlySpan<byte> data)
    {
        var hash = algorithm switch
        {
            "rsa-sha2-512" => HashAlgorithmName.SHA512,
            "rsa-sha2-256" => HashAlgorithmName.SHA256,
            _ => throw new ArgumentException($"an RSA host key cannot sign as {algorithm}", nameof(algorithm)),
        };
        return _key.SignData(data.ToArray(), hash, RSASignaturePadding.Pkcs1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _key.Dispose();
        }
    }
}
