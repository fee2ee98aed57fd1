using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Onboard;

/// <summary>
/// The onboard step of an instance's devices, after the instance and its devices run (NSO-NOTES §12):
/// over the instance's own NETCONF, the devices' init data merged live when CDB did not load it, then
/// <c>devices fetch-ssh-host-keys</c> and <c>devices sync-from</c>, each device's result kept. The same
/// requests serve NSO and nso-sim.
/// </summary>
internal sealed class DeviceOnboarding(INorthboundConnector connector, ILogger logger)
{
    public const string User = "admin";

    private const string Password = "admin";

    public static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";

    /// <summary>Tail-f's action capability, the form NSO's NETCONF chapter shows for device actions.</summary>
    public static readonly XNamespace Actions = "http://tail-f.com/ns/netconf/actions/1.0";

    private static readonly XNamespace Base = SshNetNorthboundConnector.Base;

    /// <summary>Runs the steps; a failure of the instance's NETCONF marks every device not in sync, with why.</summary>
    public async Task<OnboardingReport> OnboardAsync(NsoInstancePlan plan, bool mergeInitData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var devices = plan.Netsim?.Devices.Select(d => d.Name).ToList() ?? [];
        if (devices.Count == 0)
        {
            return new OnboardingReport([]);
        }

        if (TargetOf(plan) is not { } target)
        {
            return OnboardingReport.AllFailed(devices, $"the instance's NETCONF is off, and NsoDev onboards devices over NETCONF; turn it on with WithNetconf(), or run `devices sync-from` by hand");
        }

        try
        {
            using var session = await connector.OpenAsync(target, cancellationToken);
            var merged = false;
            if (mergeInitData)
            {
                await session.RpcAsync(MergeEdit(await File.ReadAllTextAsync(plan.RunDirectory.NetsimInitFile, cancellationToken)), cancellationToken);
                merged = true;
                logger.LogInformation("Merged the devices' init data {InitFile} into the running configuration of {Name}: its CDB already had data, so it did not load the file", plan.RunDirectory.NetsimInitFile, plan.Name);
            }

            var fetched = FetchResults(await session.RpcAsync(DevicesAction("fetch-ssh-host-keys"), cancellationToken));
            var synced = SyncResults(await session.RpcAsync(DevicesAction("sync-from"), cancellationToken));
            return new OnboardingReport([.. devices.Select(d => ResultOf(d, synced, fetched))], merged);
        }
        catch (NorthboundException e)
        {
            return OnboardingReport.AllFailed(devices, e.Message);
        }
    }

    /// <summary>The instance's NETCONF on a connectable address: a wildcard listener is reached on loopback.</summary>
    public static NorthboundTarget? TargetOf(NsoInstancePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.PortOf(NsoPortKind.Netconf) is not { } port)
        {
            return null;
        }

        var host = plan.NorthboundAddress switch
        {
            "0.0.0.0" => "127.0.0.1",
            "::" => "::1",
            var address => address,
        };

        // ncs-netsim visits devices one by one, and NSO connects to each within its own timeouts.
        var timeout = plan.StartupTimeout + TimeSpan.FromSeconds(plan.Netsim?.DeviceCount ?? 0);
        return new NorthboundTarget(host, port, User, Password, timeout);
    }

    /// <summary><c>/devices/ACTION</c> in Tail-f's action form: the path to the action inside <c>data</c>.</summary>
    public static XElement DevicesAction(string action) =>
        new(Actions + "action", new XElement(Actions + "data", new XElement(Ncs + "devices", new XElement(Ncs + action))));

    /// <summary>An <c>edit-config</c> that merges an init file's data (its <c>config</c> root's children, or the root itself) into running.</summary>
    public static XElement MergeEdit(string initFile)
    {
        var root = XElement.Parse(initFile);
        var data = root.Name.LocalName == "config" ? root.Elements().ToList() : [root];
        return new XElement(
            Base + "edit-config",
            new XElement(Base + "target", new XElement(Base + "running")),
            new XElement(Base + "default-operation", "merge"),
            new XElement(Base + "config", data));
    }

    /// <summary>Each <c>sync-result</c>: device, <c>result</c> true or false, and the <c>info</c> NSO gives with a failure.</summary>
    public static IReadOnlyDictionary<string, (bool Result, string? Info)> SyncResults(XElement reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.Descendants(Ncs + "sync-result")
            .Where(r => r.Element(Ncs + "device") is not null)
            .ToDictionary(
                r => r.Element(Ncs + "device")!.Value.Trim(),
                r => (r.Element(Ncs + "result")?.Value.Trim() == "true", Info(r)),
                StringComparer.Ordinal);
    }

    /// <summary>Each <c>fetch-result</c>: device, <c>result</c> (updated, unchanged, failed) and its <c>info</c>.</summary>
    public static IReadOnlyDictionary<string, (string Result, string? Info)> FetchResults(XElement reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.Descendants(Ncs + "fetch-result")
            .Where(r => r.Element(Ncs + "device") is not null)
            .ToDictionary(
                r => r.Element(Ncs + "device")!.Value.Trim(),
                r => (r.Element(Ncs + "result")?.Value.Trim() ?? "", Info(r)),
                StringComparer.Ordinal);
    }

    /// <summary>One device's result from the actions' replies: sync-from's, with a failed key fetch as the reason it lacked.</summary>
    public static DeviceSyncResult ResultOf(string device, IReadOnlyDictionary<string, (bool Result, string? Info)> synced, IReadOnlyDictionary<string, (string Result, string? Info)> fetched)
    {
        if (!synced.TryGetValue(device, out var sync))
        {
            return new DeviceSyncResult(device, false, $"sync-from did not report {device}; check that /devices/device{{{device}}} exists (the devices' init data in ncs-cdb/ loads only into an empty CDB)");
        }

        if (sync.Result)
        {
            return new DeviceSyncResult(device, true, null);
        }

        // sync-from's own reason first; a failed key fetch explains a sync that gave none.
        var info = sync.Info ?? (fetched.TryGetValue(device, out var fetch) && fetch.Result == "failed" ? $"fetch-ssh-host-keys failed: {fetch.Info}" : "sync-from returned false without a reason");
        return new DeviceSyncResult(device, false, info);
    }

    private static string? Info(XElement result) => result.Element(Ncs + "info")?.Value.Trim() is { Length: > 0 } info ? info : null;
}

/// <summary>One device after <c>sync-from</c>: in sync, or why not.</summary>
internal sealed record DeviceSyncResult(string Device, bool InSync, string? Info);

/// <summary>Every planned device's result, in the plan's order; <paramref name="Merged"/> when the init data was merged live.</summary>
internal sealed record OnboardingReport(IReadOnlyList<DeviceSyncResult> Devices, bool Merged = false)
{
    public int InSync => Devices.Count(d => d.InSync);

    public IEnumerable<DeviceSyncResult> Failed => Devices.Where(d => !d.InSync);

    /// <summary>The same report with one device's result replaced.</summary>
    public OnboardingReport With(string device, DeviceSyncResult result) =>
        this with { Devices = [.. Devices.Select(d => d.Device == device ? result : d)] };

    public static OnboardingReport AllFailed(IEnumerable<string> devices, string reason) =>
        new([.. devices.Select(d => new DeviceSyncResult(d, false, reason))]);
}
