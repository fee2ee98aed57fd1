
namespace NsoDev.Hosting.Plan;

/// <summary>
/// A short per-user directory of mode 0700 for leases and Unix sockets. It is short because a
/// socket path must fit in 107 bytes.
/// </summary>
internal static class UserRuntimeDirectory
{
    public static string Root
    {
        get
        {
            var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            if (!string.IsNullOrEmpty(runtime) && System.IO.Directory.Exists(runtime))
            {
                return Path.Combine(runtime, "nsodev");
            }

            return Path.Combine(Path.GetTempPath(), $"nsodev-{Environment.UserName}");
        }
    }

    public static void CreatePrivate(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
            return;
        }

        System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
