using NsoDev.Ipc;

namespace NsoDev.Hosting.Launch;

/// <summary>What NSO's exit codes (<see cref="NcsExitCodes"/>) mean, in words a developer can act on.</summary>
internal static class NcsExitCode
{
    /// <summary>The exit of a daemon an earlier app host started: not this process's child, so its code cannot be read.</summary>
    public const int Unknown = -1;

    public static string Describe(int code) => code switch
    {
        Unknown => "an exit code NsoDev cannot read (the daemon was started by an earlier app host); see logs/ncs.log",
        0 => "exit code 0 (stopped)",
        1 or 19 => $"exit code {code} (internal error; see logs/ncs.log)",
        2 => "exit code 2 (no connection to the daemon within the try time)",
        3 => "exit code 3 (the --timeout passed)",
        >= 10 and <= 16 => $"exit code {code} (CDB problem: bad init file, unsupported change, failed upgrade or corrupt data; see logs/ncs.log, or reset the instance)",
        20 => "exit code 20 (failed to bind a socket: a port is in use; stop the other process or choose another port, and restart the AppHost)",
        21 => "exit code 21 (bad configuration file: fix ncs.conf or its template)",
        22 => "exit code 22 (installation problem: check the NSO installation, NCS_DIR and the load path)",
        25 => "exit code 25 (out of file descriptors)",
        134 => "exit code 134 (out of memory)",
        130 => "exit code 130 (killed by SIGINT)",
        137 => "exit code 137 (killed)",
        143 => "exit code 143 (stopped by SIGTERM)",
        _ => $"exit code {code}",
    };
}
