using System.Collections.Concurrent;
using System.Xml.Linq;
using NsoDev.Hosting.Onboard;

namespace NsoDev.Hosting.Tests.Onboard;

/// <summary>
/// An instance's NETCONF as the orchestration tests need it: it records every operation and answers
/// each action with every named device in sync, unless a test says otherwise.
/// </summary>
internal sealed class FakeNorthbound : INorthboundConnector
{
    public ConcurrentQueue<(NorthboundTarget Target, XElement Operation)> Operations { get; } = new();

    /// <summary>The devices under the fake's <c>/devices/device</c>, each reported by its actions.</summary>
    public Func<IReadOnlyList<string>> Devices { get; set; } = () => [];

    /// <summary>A device's sync-from failure reason; a device not here syncs.</summary>
    public ConcurrentDictionary<string, string> Failing { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, opening the session fails with this message.</summary>
    public string? Unreachable { get; set; }

    /// <summary>An HA Raft node's <c>/ha-raft/status</c> by the NETCONF port asked; null answers with no status.</summary>
    public Func<int, XElement?>? RaftStatus { get; set; }

    /// <summary>When it gives a reason for a port, a session to it fails, as to a node that is down.</summary>
    public Func<int, string?>? UnreachablePort { get; set; }

    public Task<INorthboundSession> OpenAsync(NorthboundTarget target, CancellationToken cancellationToken) =>
        (Unreachable ?? UnreachablePort?.Invoke(target.Port)) is { } reason
            ? Task.FromException<INorthboundSession>(new NorthboundException(reason))
            : Task.FromResult<INorthboundSession>(new Session(this, target));

    public IEnumerable<string> ActionsSent =>
        Operations.Select(o => o.Operation.Name.LocalName == "action"
            ? o.Operation.Descendants().Last().Name.LocalName
            : o.Operation.Name.LocalName);

    private sealed class Session(FakeNorthbound owner, NorthboundTarget target) : INorthboundSession
    {
        private static readonly XNamespace Ncs = DeviceOnboarding.Ncs;
        private static readonly XNamespace Base = SshNetNorthboundConnector.Base;

        public Task<XElement> RpcAsync(XElement operation, CancellationToken cancellationToken)
        {
            owner.Operations.Enqueue((target, operation));
            if (operation.Name.LocalName == "get" && operation.Descendants(Hosting.Raft.RaftStatus.Namespace + "ha-raft").Any())
            {
                if (owner.UnreachablePort?.Invoke(target.Port) is { } down)
                {
                    return Task.FromException<XElement>(new NorthboundException(down));
                }

                var status = owner.RaftStatus?.Invoke(target.Port);
                return Task.FromResult(new XElement(Base + "rpc-reply", new XElement(Base + "data", status is null ? null : new XElement(Hosting.Raft.RaftStatus.Namespace + "ha-raft", status))));
            }

            var action = operation.Descendants().LastOrDefault()?.Name.LocalName;
            XElement[] results = action switch
            {
                "fetch-ssh-host-keys" => [.. owner.Devices().Select(d => new XElement(Ncs + "fetch-result", new XElement(Ncs + "device", d), new XElement(Ncs + "result", "unchanged")))],
                "sync-from" => [.. owner.Devices().Select(d => owner.Failing.TryGetValue(d, out var why)
                    ? new XElement(Ncs + "sync-result", new XElement(Ncs + "device", d), new XElement(Ncs + "result", "false"), new XElement(Ncs + "info", why))
                    : new XElement(Ncs + "sync-result", new XElement(Ncs + "device", d), new XElement(Ncs + "result", "true")))],
                _ => [new XElement(Base + "ok")],
            };
            var reply = operation.Name.LocalName == "action"
                ? new XElement(Base + "rpc-reply", new XElement(Base + "data", new XElement(Ncs + "devices", new XElement(Ncs + action!, results))))
                : new XElement(Base + "rpc-reply", results);
            return Task.FromResult(reply);
        }

        public void Dispose()
        {
        }
    }
}
