using System.Security.Cryptography;

namespace NsoDev.Simulator.Ssh.HostKeys;

/// <summary>
/// Host keys in the directory that ncs.conf names in aaa/ssh-server-key-dir: loaded when present,
/// otherwise generated and written (owner-only) so that clients see the same host key after a
/// restart. Private keys never reach a log.
/// </summary>
internal static class HostKeyStore
{
    public const string EcdsaFileName = "ssh_host_ecdsa_key";
    public const string RsaFileName = "ssh_host_rsa_key";
    public const int RsaKeySize = 3072;

    public static HostKeySet LoadOrCreate(string directory, Action<string>? log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var ecdsa = Load(
            Path.Combine(directory, EcdsaFileName),
            () => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            OpenSshPrivateKey.ReadEcdsa,
            key => new EcdsaHostKey(key),
            log);
        var rsa = Load(Path.Combine(directory, RsaFileName), () => RSA.Create(RsaKeySize), OpenSshPrivateKey.ReadRsa, key => new RsaHostKey(key), log);
        return new HostKeySet(ecdsa, rsa);
    }

    private static HostKey Load<T>(string path, Func<T> generate, Func<string, T> readOpenSsh, Func<T, HostKey> wrap, Action<string>? log)
        where T : AsymmetricAlgorithm
    {
        if (!File.Exists(path))
        {
            var created = generate();
            if (TryWriteNew(path, created.ExportPkcs8PrivateKeyPem()))
            {
                var key = wrap(created);
                File.WriteAllText(path + ".pub", $"{key.OpenSshPublicKey} nso-sim\n");
                log?.Invoke($"ssh: generated host key {path} ({key.KeyType} {key.Fingerprint})");
                return key;
            }

            // Another server on the same directory wrote it first; use theirs.
            created.Dispose();
        }

        var loaded = Read(path, generate, readOpenSsh, wrap);
        log?.Invoke($"ssh: loaded host key {path} ({loaded.KeyType} {loaded.Fingerprint})");
        return loaded;
    }

    private static HostKey Read<T>(string path, Func<T> create, Func<string, T> readOpenSsh, Func<T, HostKey> wrap)
        where T : AsymmetricAlgorithm
    {
        var text = File.ReadAllText(path);
        T? key = null;
        try
        {
            if (text.Contains(OpenSshPrivateKey.PemLabel, StringComparison.Ordinal))
            {
                key = readOpenSsh(text);
            }
            else
            {
                key = create();
                key.ImportFromPem(text);
            }

            return wrap(key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException or Transport.SshProtocolException)
        {
            key?.Dispose();
            throw new InvalidDataException(
                $"cannot read the SSH host key {path}: {e.Message} It must be an unencrypted PEM (PKCS#8, PKCS#1 or SEC1) " +
                "or OpenSSH private key of the right type; delete it to have a new one generated.",
                e);
        }
    }

    // Written to a private temporary file, then moved into place without overwriting, so a
    // reader never sees half a key and two servers never replace each other's.
    private static bool TryWriteNew(string path, string pem)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(temporary, options)))
        {
            writer.Write(pem);
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }
}
