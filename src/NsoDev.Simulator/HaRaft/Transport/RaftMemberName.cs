using System.Globalization;
using System.Net.Sockets;
using NsoDev.Ipc.Raft;

namespace NsoDev.Simulator.HaRaft.Transport;

/// <summary>
/// A cluster member's name as a release writes it (NSO-NOTES §14): <c>ncsd2@127.0.0.1</c> up to 6.6,
/// <c>ncsd2@127.0.0.1:4572</c> from 6.7. Without an id NSO takes <c>ncsd</c>; a 6.7 name without a
/// port means the default <c>listen/port</c>, 4570.
/// </summary>
internal sealed record RaftMemberName(string NodeId, RaftTlsHost Host, int? Port)
{
    /// <summary>6.7's default <c>/ncs-config/ha-raft/listen/port</c>.</summary>
    public const int DefaultListenPort = 4570;

    /// <exception cref="FormatException">Not a member name of that form; the message shows one.</exception>
    public static RaftMemberName Parse(string text, bool withPort)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var address = RaftNodeAddress.Parse(trimmed);
        RaftTlsHost host;
        try
        {
            host = RaftTlsHost.FromNodeAddress(trimmed);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }

        var nodeId = address.EffectiveNodeId;
        if (nodeId.Length == 0 || !char.IsAsciiLetterLower(nodeId[0]) || !nodeId.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new FormatException($"The HA Raft member name '{text}' has the node id '{nodeId}'; a node id is a lowercase letter, then letters, digits or '_', as in ncsd1@127.0.0.1.");
        }

        var port = PortOf(address.Host.Trim(), host);
        if (!withPort && port is not null)
        {
            throw new FormatException($"The HA Raft member name '{text}' has a port; up to NSO 6.6 a member is ID@ADDRESS (epmd finds its port), as in ncsd1@127.0.0.1.");
        }

        return new RaftMemberName(nodeId, host, withPort ? port ?? DefaultListenPort : null);
    }

    /// <summary>The text a member is known by; two spellings of one member give the same.</summary>
    public override string ToString()
    {
        var host = Host.Ip is { AddressFamily: AddressFamily.InterNetworkV6 } && Port is not null ? "[" + Host.Name + "]" : Host.Name;
        return Port is { } port ? $"{NodeId}@{host}:{port.ToString(CultureInfo.InvariantCulture)}" : $"{NodeId}@{host}";
    }

    /// <summary>The port after the host, as <see cref="RaftTlsHost"/> strips it: <c>127.0.0.1:4572</c>, <c>[::1]:4572</c>.</summary>
    private static int? PortOf(string hostAndPort, RaftTlsHost host)
    {
        var rest = hostAndPort.StartsWith('[')
            ? hostAndPort[(hostAndPort.IndexOf(']', StringComparison.Ordinal) + 1)..]
            : host.Ip is { AddressFamily: AddressFamily.InterNetworkV6 } || !hostAndPort.Contains(':', StringComparison.Ordinal)
                ? string.Empty
                : hostAndPort[hostAndPort.LastIndexOf(':')..];
        if (rest.Length == 0)
        {
            return null;
        }

        return rest[0] == ':' && int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new FormatException($"The HA Raft member name '{hostAndPort}' has '{rest}' after its address; write ID@ADDRESS:PORT with a port from 1 to 65535, as in ncsd2@127.0.0.1:4572.");
    }
}
