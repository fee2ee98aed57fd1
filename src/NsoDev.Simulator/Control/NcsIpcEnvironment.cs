using System.Globalization;
using System.Net;

namespace NsoDev.Simulator.Control;

/// <summary>
/// Where control commands find the daemon: <c>NCS_IPC_ADDR</c> and <c>NCS_IPC_PORT</c>, default
/// 127.0.0.1:4569 (NSO-FACTS section 2). <c>NCS_IPC_PATH</c> would win over both, and local IPC is
/// not simulated yet, so it is refused rather than quietly ignored.
/// </summary>
internal static class NcsIpcEnvironment
{
    public const string AddressVariable = "NCS_IPC_ADDR";
    public const string PortVariable = "NCS_IPC_PORT";
    public const string PathVariable = "NCS_IPC_PATH";

    /// <exception cref="FormatException">A variable holds something unusable.</exception>
    public static IPEndPoint Resolve(Func<string, string?> getVariable)
    {
        if (getVariable(PathVariable) is { Length: > 0 } path)
        {
            throw new FormatException($"{PathVariable}={path}: local IPC is not simulated yet; unset {PathVariable} and use {AddressVariable} and {PortVariable}");
        }

        var addressText = getVariable(AddressVariable);
        var address = IPAddress.Loopback;
        if (!string.IsNullOrEmpty(addressText) && !IPAddress.TryParse(addressText, out address))
        {
            throw new FormatException($"{AddressVariable}={addressText} is not an IP address");
        }

        var portText = getVariable(PortVariable);
        var port = 4569;
        if (!string.IsNullOrEmpty(portText)
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is 0 or > IPEndPoint.MaxPort))
        {
            throw new FormatException($"{PortVariable}={portText} is not a port number (1..65535)");
        }

        return new IPEndPoint(address, port);
    }
}
