using System.Text;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// The text <c>ncs --status</c> prints. NSO's begins with <c>vsn:</c> and <c>SMP support:</c> and
/// has a <c>status:</c> line (NSO-FACTS section 2); the <c>engine:</c> line says this is not NSO.
/// </summary>
internal static class StatusReport
{
    public static string Format(NsoVersion version, DaemonPhase phase, IEnumerable<TcpServiceListener> listeners)
    {
        var text = new StringBuilder()
            .Append("vsn: ").Append(version).Append('\n')
            .Append("SMP support: no\n")
            .Append("engine: nso-sim (a simulator of Cisco NSO ").Append(version).Append("; this is not NSO)\n")
            .Append("status: ").Append(DaemonState.StatusWord(phase)).Append('\n')
            .Append("listen:\n");
        foreach (var listener in listeners)
        {
            text.Append("  ").Append(listener.Conf.Name).Append(": ")
                .Append(listener.Conf.Name == "ipc" ? "tcp " : string.Empty)
                .Append(listener.LocalEndPoint).Append('\n');
        }

        return text.ToString();
    }
}
