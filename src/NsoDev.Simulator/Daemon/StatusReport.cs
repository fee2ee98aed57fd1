using System.Globalization;
using System.Text;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// The text <c>ncs --status</c> prints. NSO's begins with <c>vsn:</c> and <c>SMP support:</c> and
/// has a <c>status:</c> line (NSO-NOTES §2); the <c>engine:</c> line says this is not NSO.
/// Sample:
/// <code>
/// vsn: 6.5
/// SMP support: no
/// engine: nso-sim (a simulator of Cisco NSO 6.5, native build; this is not NSO)
/// status: started
/// access-check: off
/// listen:
///   ipc: local /tmp/nso/nso-ipc1
///   netconf-ssh: 127.0.0.1:2022
/// </code>
/// IPC lines say <c>tcp ADDRESS:PORT</c> or <c>local PATH</c>; the others show the TCP address.
/// </summary>
internal static class StatusReport
{
    public static string Format(NsoVersion version, DaemonPhase phase, bool accessCheck, IEnumerable<ServiceListener> listeners, TimeSpan startDelay = default)
    {
        var text = new StringBuilder()
            .Append("vsn: ").Append(version).Append('\n')
            .Append("SMP support: no\n")
            .Append("engine: nso-sim (a simulator of Cisco NSO ").Append(version).Append(", ").Append(SimulatorBuild.Name).Append("; this is not NSO)\n")
            .Append("status: ").Append(DaemonState.StatusWord(phase)).Append('\n');
        if (startDelay > TimeSpan.Zero)
        {
            text.Append("start-delay: ").Append(startDelay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)).Append(" s (").Append(StartDelay.EnvironmentVariable).Append(", for benchmarks)\n");
        }

        text
            .Append("access-check: ").Append(accessCheck ? "on" : "off").Append('\n')
            .Append("listen:\n");
        foreach (var listener in listeners)
        {
            text.Append("  ").Append(listener.Name).Append(": ");
            if (listener.Name == "ipc")
            {
                text.Append(listener.Transport).Append(' ');
            }

            text.Append(listener.Address).Append('\n');
        }

        return text.ToString();
    }
}
