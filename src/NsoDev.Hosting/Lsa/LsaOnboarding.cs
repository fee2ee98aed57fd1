using System.Xml.Linq;
using NsoDev.Hosting.Onboard;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Lsa;

/// <summary>
/// The upper node's onboard step of its lower nodes, over its own NETCONF with the onboarding's connector and
/// actions (NSO-NOTES §12, §16), in the order of Cisco's LSA examples: the init data merged live when CDB did not
/// load it, <c>cluster remote-node NAME ssh fetch-host-keys</c> for each lower node, then
/// <c>devices fetch-ssh-host-keys</c> and <c>devices sync-from</c>. A lower node that is down is its own result.
/// </summary>
internal sealed class LsaOnboarding(INorthboundConnector connector)
{
    private static readonly XNamespace Ncs = DeviceOnboarding.Ncs;
    private static readonly XNamespace Actions = DeviceOnboarding.Actions;

    /// <param name="upper">The upper node's plan: where its NETCONF is.</param>
    /// <param name="lowers">The lower nodes' names: each is a remote node and a device on the upper.</param>
    /// <param name="mergeInitFile">The LSA init file to merge into running first, or null.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    public async Task<OnboardingReport> OnboardAsync(NsoInstancePlan upper, IReadOnlyList<string> lowers, string? mergeInitFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upper);
        ArgumentNullException.ThrowIfNull(lowers);
        if (DeviceOnboarding.TargetOf(upper) is not { } target)
        {
            return OnboardingReport.AllFailed(lowers, $"the upper node's NETCONF is off, and NsoDev onboards the lower nodes over NETCONF; turn it on with WithNetconf(), or run `cluster remote-node NAME ssh fetch-host-keys` and `devices sync-from` by hand");
        }

        try
        {
            using var session = await connector.OpenAsync(target, cancellationToken);
            var merged = false;
            if (mergeInitFile is not null)
            {
                await session.RpcAsync(DeviceOnboarding.MergeEdit(await File.ReadAllTextAsync(mergeInitFile, cancellationToken)), cancellationToken);
                merged = true;
            }

            var remoteFetches = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var lower in lowers)
            {
                // One remote node failing is that node's result, not the step's.
                try
                {
                    if (FetchFailure(await session.RpcAsync(RemoteNodeFetchHostKeys(lower), cancellationToken)) is { } failure)
                    {
                        remoteFetches[lower] = failure;
                    }
                }
                catch (NorthboundException e)
                {
                    remoteFetches[lower] = e.Message;
                }
            }

            var fetched = DeviceOnboarding.FetchResults(await session.RpcAsync(DeviceOnboarding.DevicesAction("fetch-ssh-host-keys"), cancellationToken));
            var synced = DeviceOnboarding.SyncResults(await session.RpcAsync(DeviceOnboarding.DevicesAction("sync-from"), cancellationToken));
            return new OnboardingReport([.. lowers.Select(l => WithRemoteFetch(DeviceOnboarding.ResultOf(l, synced, fetched), remoteFetches))], merged);
        }
        catch (NorthboundException e)
        {
            return OnboardingReport.AllFailed(lowers, e.Message);
        }
    }

    /// <summary><c>/cluster/remote-node{NAME}/ssh/fetch-host-keys</c> in Tail-f's action form.</summary>
    public static XElement RemoteNodeFetchHostKeys(string remoteNode) =>
        new(Actions + "action", new XElement(Actions + "data", new XElement(
            Ncs + "cluster",
            new XElement(Ncs + "remote-node", new XElement(Ncs + "name", remoteNode), new XElement(Ncs + "ssh", new XElement(Ncs + "fetch-host-keys"))))));

    /// <summary>The action's <c>info</c> when its <c>result</c> is <c>failed</c>; null when it fetched a key.</summary>
    private static string? FetchFailure(XElement reply)
    {
        var output = reply.Descendants(Ncs + "fetch-host-keys").FirstOrDefault() ?? reply;
        return output.Descendants(Ncs + "result").FirstOrDefault()?.Value.Trim() == "failed"
            ? output.Descendants(Ncs + "info").FirstOrDefault()?.Value.Trim() ?? "fetch-host-keys failed without a reason"
            : null;
    }

    /// <summary>A lower node not in sync whose remote node's key fetch failed: that failure says why, first.</summary>
    private static DeviceSyncResult WithRemoteFetch(DeviceSyncResult result, Dictionary<string, string> remoteFetches) =>
        !result.InSync && remoteFetches.TryGetValue(result.Device, out var failure)
            ? result with { Info = $"cluster remote-node {result.Device} ssh fetch-host-keys failed: {failure}; sync-from: {result.Info}" }
            : result;
}
