using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// The YANG types of ncs.conf leaves that nso-sim checks, in one place: the schema check and the
/// typed reads both use these, so a value is judged the same way wherever it is read.
/// </summary>
internal static class NcsConfValues
{
    /// <summary>Null when <paramref name="text"/> is a valid <paramref name="type"/>, else the problem.</summary>
    public static string? Problem(NcsConfType type, string text) => type switch
    {
        NcsConfType.Bool when !TryBool(text, out _) => $"\"{text}\" is not a boolean; write true or false",
        NcsConfType.Port when !TryPort(text, out _) => $"\"{text}\" is not a port number (0..65535)",
        NcsConfType.IpAddress when !TryIpAddress(text, out _) => $"\"{text}\" is not an IP address",
        _ => null,
    };

    public static bool TryBool(string text, out bool value)
    {
        value = text == "true";
        return text is "true" or "false";
    }

    public static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= IPEndPoint.MaxPort;

    /// <summary>IPAddress.TryParse also takes shorthands such as "1" (0.0.0.1); inet:ip-address does not.</summary>
    public static bool TryIpAddress(string text, out IPAddress address) =>
        IPAddress.TryParse(text, out address!)
        && (address.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3);
}
