using System.Security.Cryptography;
using NsoDev.Simulator.Ssh.HostKeys;
using NsoDev.Simulator.Ssh.Tests.Support;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.HostKeys;

/// <summary>One generation for the tests that look at generated keys: RSA-3072 takes seconds.</summary>
public sealed class GeneratedHostKeys : IDisposable
{
    public GeneratedHostKeys()
    {
        Directory = SharedHostKeys.NewTemporaryDirectory();
        Keys = HostKeyStore.LoadOrCreate(Directory, Log.Add);
    }

    public string Directory { get; }

    internal HostKeySet Keys { get; }

    public List<string> Log { get; } = [];

    public void Dispose() => Keys.Dispose();
}

public sealed class HostKeyStoreTests(GeneratedHostKeys generated) : IClassFixture<GeneratedHostKeys>
{
    [Fact]
    public void Keys_are_generated_once_then_reloaded_unchanged()
    {
        using var reloaded = HostKeyStore.LoadOrCreate(generated.Directory, log: null);

        Assert.Equal(["ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256"], reloaded.Algorithms);
        Assert.Equal(generated.Keys.Keys.Select(k => k.Fingerprint), reloaded.Keys.Select(k => k.Fingerprint));
        Assert.Equal($"{reloaded.Keys[0].OpenSshPublicKey} nso-sim\n", File.ReadAllText(Path.Combine(generated.Directory, "ssh_host_ecdsa_key.pub")));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Path.Combine(generated.Directory, "ssh_host_rsa_key")));
        Assert.Equal(3072, rsa.KeySize);
    }

    [Fact]
    public void Generated_private_keys_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No Unix file modes to check.
        }

        foreach (var name in new[] { "ssh_host_ecdsa_key", "ssh_host_rsa_key" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(generated.Directory, name)));
        }
    }

    [Fact]
    public void The_log_names_each_new_key_and_its_fingerprint_but_never_the_private_key()
    {
        Assert.Equal(
            [
                $"ssh: generated host key {Path.Combine(generated.Directory, "ssh_host_ecdsa_key")} (ecdsa-sha2-nistp256 {generated.Keys.Keys[0].Fingerprint})",
                $"ssh: generated host key {Path.Combine(generated.Directory, "ssh_host_rsa_key")} (ssh-rsa {generated.Keys.Keys[1].Fingerprint})",
            ],
            generated.Log);
    }

    [Fact]
    public void Keys_written_by_ssh_keygen_load_with_the_fingerprints_ssh_keygen_shows()
    {
        var directory = SharedHostKeys.NewTemporaryDirectory();
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "ssh_host_ecdsa_key"), OpenSshKeyFixtures.Ecdsa);
        File.WriteAllText(Path.Combine(directory, "ssh_host_rsa_key"), OpenSshKeyFixtures.Rsa);

        using var keys = HostKeyStore.LoadOrCreate(directory, log: null);

        Assert.Equal([OpenSshKeyFixtures.EcdsaFingerprint, OpenSshKeyFixtures.RsaFingerprint], keys.Keys.Select(k => k.Fingerprint));
        Assert.All(keys.Algorithms, algorithm => Assert.True(Verifies(keys.For(algorithm), algorithm)));
    }

    [Fact]
    public void A_key_file_that_cannot_be_read_is_reported_and_left_alone()
    {
        var directory = SharedHostKeys.NewTemporaryDirectory();
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "ssh_host_rsa_key");
        File.WriteAllText(path, "not a key");

        var error = Assert.Throws<InvalidDataException>(() => HostKeyStore.LoadOrCreate(directory, log: null));

        Assert.StartsWith($"cannot read the SSH host key {path}: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("delete it to have a new one generated.", error.Message, StringComparison.Ordinal);
        Assert.Equal("not a key", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("ecdsa-sha2-nistp256")]
    [InlineData("rsa-sha2-512")]
    [InlineData("rsa-sha2-256")]
    public void Signatures_verify_against_the_public_key_blob(string algorithm)
    {
        Assert.True(Verifies(generated.Keys.For(algorithm), algorithm));
    }

    // An independent reading of the blobs of RFC 5656 section 3.1 and RFC 8332 section 3.
    private static bool Verifies(HostKey key, string algorithm)
    {
        var data = "exchange hash"u8.ToArray();
        var signature = key.Sign(algorithm, data);
        var outer = new SshReader(signature);
        Assert.Equal(algorithm, outer.ReadString());
        var raw = outer.ReadBinary().ToArray();
        var blob = new SshReader(key.PublicKeyBlob);
        var type = blob.ReadString();
        if (type == "ecdsa-sha2-nistp256")
        {
            blob.ReadString();
            var q = blob.ReadBinary();
            using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = q[1..33].ToArray(), Y = q[33..].ToArray() } });
            var inner = new SshReader(raw);
            var r = Fixed(inner.ReadBinary());
            var s = Fixed(inner.ReadBinary());
            byte[] rs = [.. r, .. s];
            return ecdsa.VerifyData(data, rs, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        Assert.Equal("ssh-rsa", type);
        using var rsa = RSA.Create(new RSAParameters { Exponent = blob.ReadBinary().ToArray(), Modulus = blob.ReadBinary().TrimStart((byte)0).ToArray() });
        var hash = algorithm == "rsa-sha2-512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;
        return rsa.VerifyData(data, raw, hash, RSASignaturePadding.Pkcs1);
    }

    private static byte[] Fixed(ReadOnlySpan<byte> mpint)
    {
        var value = mpint.TrimStart((byte)0);
        var result = new byte[32];
        value.CopyTo(result.AsSpan(32 - value.Length));
        return result;
    }
}
