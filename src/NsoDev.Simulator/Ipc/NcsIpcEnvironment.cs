using System.Globalization;
using System.Net;
using System.Text;
using NsoDev.Ipc;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The <c>NCS_IPC_*</c> variables clients read (NSO-NOTES §3 and §4): <c>NCS_IPC_PATH</c>
/// (a Unix socket) wins over <c>NCS_IPC_ADDR</c> and <c>NCS_IPC_PORT</c> (default 127.0.0.1:4569);
/// the access secret is named by <c>CONFD_IPC_ACCESS_FILE</c>, read first, or <c>NCS_IPC_ACCESS_FILE</c>.
/// Unset and empty are the same.
/// </summary>
internal static class NcsIpcEnvironment
{
    public const string AddressVariable = NcsIpcVariables.Address;
    public const string PortVariable = NcsIpcVariables.Port;
    public const string PathVariable = NcsIpcVariables.Path;
    public const string AccessFileVariable = NcsIpcVariables.AccessFile;
    public const string ConfdAccessFileVariable = NcsIpcVariables.ConfdAccessFile;

    public const int DefaultPort = NcsIpcVariables.DefaultPort;

    /// <summary>Where a client connects.</summary>
    /// <exception cref="FormatException">A variable holds something unusable.</exception>
    public static IpcEndpoint Resolve(Func<string, string?> getVariable) =>
        LocalPath(getVariable) is { } path
            ? new LocalIpcEndpoint(path)
            : new TcpIpcEndpoint(new IPEndPoint(Address(getVariable) ?? IPAddress.Loopback, Port(getVariable) ?? DefaultPort));

    /// <summary><c>NCS_IPC_PATH</c>, absolute, or null when unset.</summary>
    /// <exception cref="FormatException">The path is too long for a Unix socket.</exception>
    public static string? LocalPath(Func<string, string?> getVariable)
    {
        if (getVariable(PathVariable) is not { Length: > 0 } text)
        {
            return null;
        }

        var path = Path.GetFullPath(text);
        var length = Encoding.UTF8.GetByteCount(path);
        return length <= IpcEndpoint.MaxUnixPathBytes
            ? path
            : throw new FormatException($"{PathVariable}={text} is {length} bytes; a Unix socket path holds at most {IpcEndpoint.MaxUnixPathBytes}; choose a shorter path");
    }

    /// <exception cref="FormatException">Not an IP address.</exception>
    public static IPAddress? Address(Func<string, string?> getVariable)
    {
        var text = getVariable(AddressVariable);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return IPAddress.TryParse(text, out var address) ? address : throw new FormatException($"{AddressVariable}={text} is not an IP address");
    }

    /// <exception cref="FormatException">Not a port number.</exception>
    public static int? Port(Func<string, string?> getVariable)
    {
        var text = getVariable(PortVariable);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= IPEndPoint.MaxPort
            ? port
            : throw new FormatException($"{PortVariable}={text} is not a port number (1..65535)");
    }

    /// <summary>The variable that names the access file, and its value; null when neither is set.</summary>
    public static (string Variable, string Path)? AccessFile(Func<string, string?> getVariable) =>
        getVariable(ConfdAccessFileVariable) is { Length: > 0 } confd ? (ConfdAccessFileVariable, confd)
        : getVariable(AccessFileVariable) is { Length: > 0 } ncs ? (AccessFileVariable, ncs)
        : null;
}
