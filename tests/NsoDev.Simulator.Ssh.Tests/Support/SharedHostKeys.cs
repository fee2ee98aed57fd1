using NsoDev.Simulator.Ssh.HostKeys;

namespace NsoDev.Simulator.Ssh.Tests.Support;

/// <summary>
/// One key directory for the whole test run: generating a 3072-bit RSA key per test would make
/// the suite slow for nothing. Tests about key persistence use directories of their own.
/// </summary>
internal static class SharedHostKeys
{
    private static readonly Lazy<string> Path = new(Create);

    public static string Directory => Path.Value;

    public static string NewTemporaryDirectory()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nso-sim-ssh-tests", Guid.NewGuid().ToString("N"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(path);
        return path;
    }

    private static string Create()
    {
        var path = NewTemporaryDirectory();
        HostKeyStore.LoadOrCreate(path, log: null).Dispose();
        return path;
    }

    private static void TryDelete(string path)
    {
        try
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
