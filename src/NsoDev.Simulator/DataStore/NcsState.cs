using System.Globalization;
using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// Read-only operational state that the daemon provides and <c>&lt;get&gt;</c> and
/// <c>show ncs-state</c> show. Read on every request, so it may change while sessions are open.
/// </summary>
internal interface INcsState
{
    /// <summary>The NSO version nso-sim plays, such as <c>6.5</c>.</summary>
    string Version { get; }

    /// <summary>The word <c>ncs --status</c> prints: starting, phase0, phase1, started, stopping.</summary>
    string DaemonStatus { get; }

    /// <summary>Every socket the daemon listens on.</summary>
    IReadOnlyList<NcsListenerState> Listeners { get; }
}

/// <summary>One listening socket, such as <c>netconf-ssh</c> on <c>127.0.0.1</c> port <c>2022</c>.</summary>
internal sealed record NcsListenerState(string Name, string Address, int Port);

/// <summary>State that never changes: for tests, and for a daemon that has nothing better.</summary>
internal sealed record FixedNcsState(string Version, string DaemonStatus, IReadOnlyList<NcsListenerState> Listeners) : INcsState;

/// <summary>
/// The XML of <see cref="INcsState"/>. Sample output:
/// <code>
/// &lt;ncs-state xmlns="http://tail-f.com/ns/ncs-state"&gt;
///   &lt;version&gt;6.5&lt;/version&gt;
///   &lt;daemon-status&gt;started&lt;/daemon-status&gt;
///   &lt;listener&gt;&lt;name&gt;netconf-ssh&lt;/name&gt;&lt;address&gt;127.0.0.1&lt;/address&gt;&lt;port&gt;2022&lt;/port&gt;&lt;/listener&gt;
/// &lt;/ncs-state&gt;
/// </code>
/// </summary>
internal static class NcsStateXml
{
    public static XElement Build(INcsState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var ns = ConfigNamespaces.NcsState;
        return new XElement(
            ns + "ncs-state",
            new XElement(ns + "version", state.Version),
            new XElement(ns + "daemon-status", state.DaemonStatus),
            state.Listeners.Select(l => new XElement(
                ns + "listener",
                new XElement(ns + "name", l.Name),
                new XElement(ns + "address", l.Address),
                new XElement(ns + "port", l.Port.ToString(CultureInfo.InvariantCulture)))));
    }
}
