using System.Collections.Concurrent;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Tests.Netconf;

/// <summary>Keeps every line, from any thread, for assertions.</summary>
internal sealed class RecordingNorthboundLog : INorthboundLog
{
    private readonly ConcurrentQueue<string> _audit = new();
    private readonly ConcurrentQueue<string> _netconf = new();

    public IReadOnlyList<string> AuditLines => [.. _audit];

    public IReadOnlyList<string> NetconfLines => [.. _netconf];

    public void Audit(string message) => _audit.Enqueue(message);

    public void Netconf(string message) => _netconf.Enqueue(message);
}
