using System.Security.Cryptography;
using System.Text;

namespace NsoDev.Hosting.Materialize;

/// <summary>
/// The IPC access check's shared secret (seed page, "Restricting Access to the IPC Socket"): random
/// printable ASCII in a file of mode 0400, in a directory of mode 0700. The whole file is the secret,
/// so no newline is written.
/// </summary>
internal static class IpcSecretFile
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>32 random bytes as URL-safe base64: 43 printable characters.</summary>
    public static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static void Validate(string secret, string source)
    {
        if (secret.Length == 0 || secret.Any(c => c is < '!' or > '~'))
        {
            throw new InvalidOperationException($"The IPC secret from {source} must be printable ASCII without spaces or newlines, and not empty. Set the parameter to such a value.");
        }
    }

    public static void Write(string path, string secret)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(secret);
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, secret);
            return;
        }

        Directory.CreateDirectory(directory, PrivateDirectory);
        File.SetUnixFileMode(directory, PrivateDirectory);
        if (File.Exists(path))
        {
            // A 0400 file cannot be rewritten in place; it is replaced whole.
            File.Delete(path);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead };
        using var file = new FileStream(path, options);
        file.Write(Encoding.ASCII.GetBytes(secret));
    }
}
