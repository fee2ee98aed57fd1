using System.Runtime.Versioning;
using NsoDev.Hosting.Materialize;

namespace NsoDev.Hosting.Tests;

[UnsupportedOSPlatform("windows")]
public sealed class IpcSecretFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nsodev-secret-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_secret_file_is_0400_in_a_0700_directory_and_holds_exactly_the_secret()
    {
        var path = Path.Combine(_directory, "secrets", "ipc_access");

        IpcSecretFile.Write(path, "s3cret");

        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal("s3cret"u8.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_new_secret_replaces_the_old_read_only_file()
    {
        var path = Path.Combine(_directory, "secrets", "ipc_access");
        IpcSecretFile.Write(path, "first");

        IpcSecretFile.Write(path, "second");

        Assert.Equal("second", File.ReadAllText(path));
    }

    [Fact]
    public void Generated_secrets_are_random_printable_ascii()
    {
        var a = IpcSecretFile.Generate();
        var b = IpcSecretFile.Generate();

        Assert.NotEqual(a, b);
        Assert.True(a.Length >= 40);
        Assert.All(a, c => Assert.InRange(c, '!', '~'));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("line\n")]
    public void A_secret_that_is_not_printable_ascii_is_refused(string secret)
    {
        var error = Assert.Throws<InvalidOperationException>(() => IpcSecretFile.Validate(secret, "parameter 'ipc-secret'"));

        Assert.Contains("parameter 'ipc-secret'", error.Message, StringComparison.Ordinal);
    }
}
