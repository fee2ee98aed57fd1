using NsoDev.Ipc;

namespace NsoDev.Testing;

/// <summary>What a test needs to reach one running instance.</summary>
/// <param name="Name">The resource name.</param>
/// <param name="Ipc">The IPC endpoint (TCP or Unix socket).</param>
/// <param name="NetconfPort">The NETCONF-over-SSH port on 127.0.0.1, or null when NETCONF is off.</param>
/// <param name="CliPort">The CLI-over-SSH port on 127.0.0.1, or null when the CLI is off.</param>
/// <param name="Environment">The variables a child process needs to reach the instance (<c>NCS_IPC_*</c>).</param>
/// <param name="RunDirectory">The runtime directory (ncs.conf, ncs-cdb, logs, state).</param>
/// <param name="NcsExecutable">The <c>ncs</c> program running the instance (NSO's, or nso-sim).</param>
public sealed record NsoInstanceInfo(
    string Name,
    NsoIpcEndpoint Ipc,
    int? NetconfPort,
    int? CliPort,
    IReadOnlyDictionary<string, string> Environment,
    string RunDirectory,
    string NcsExecutable)
{
    /// <summary>The logs directory.</summary>
    public string LogsDirectory => Path.Combine(RunDirectory, "logs");

    /// <summary>Reads a log, such as ncs.log, devel.log or audit.log.</summary>
    /// <param name="name">The log file name.</param>
    /// <returns>Its text, or an empty string when it does not exist yet.</returns>
    public string ReadLog(string name = "ncs.log")
    {
        var path = Path.Combine(LogsDirectory, name);
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }
}
