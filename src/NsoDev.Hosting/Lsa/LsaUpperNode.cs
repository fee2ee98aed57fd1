using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Onboard;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Serve;

namespace NsoDev.Hosting.Lsa;

/// <summary>
/// What an LSA upper node adds to an instance's steps (NSO-NOTES §16): before its daemon starts, the LSA init data
/// in its ncs-cdb/ (and, across releases, the cisco-nso-nc packages linked); after it runs, the onboard step of its
/// lower nodes and its result on the dashboard: on the upper and the deployment, how many are in sync; on each
/// lower node, its own result.
/// </summary>
internal sealed class LsaUpperNode(NsoLsaResource lsa, INorthboundConnector northbound, NsoDashboard dashboard, ILogger logger)
{
    /// <summary>The step of an instance that is an LSA upper node; null for any other instance.</summary>
    public static LsaUpperNode? Of(NsoResource resource, INorthboundConnector northbound, NsoDashboard dashboard, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource.Annotations.OfType<LsaUpperAnnotation>().SingleOrDefault() is { } upper
            ? new LsaUpperNode(upper.Lsa, northbound, dashboard, logger)
            : null;
    }

    public static string InitFile(NsoInstancePlan plan) => Path.Combine(plan.RunDirectory.CdbDirectory, LsaInitData.FileName);

    /// <summary>Owed while a changed init file waits to be merged into an upper whose CDB already had data (NSO-NOTES §5).</summary>
    public static string MergePendingMarker(NsoInstancePlan plan) => plan.RunDirectory.Combine("nsodev-lsa.merge-pending");

    /// <summary>The lower nodes as their plans and engines have them; all are planned before any instance starts.</summary>
    /// <exception cref="LsaException">A lower node has no plan or engine, or its NETCONF is off.</exception>
    public IReadOnlyList<LsaLowerNode> LowerNodes() => [.. lsa.LowerNodes.Select(lower =>
    {
        var published = lower.Published();
        if (published.Plan is not { } plan || published.Engine is not { } engine)
        {
            throw new LsaException($"LSA lower node {lower.Name} has no plan or no NSO engine, so upper node {lsa.UpperNode.Name} cannot be given its address; see {lower.Name}'s own failure on the dashboard.");
        }

        var target = DeviceOnboarding.TargetOf(plan)
            ?? throw new LsaException($"LSA lower node {lower.Name} has NETCONF off, and its upper node reaches it over NETCONF. Remove WithoutNetconf() from {lower.Name}.");
        return new LsaLowerNode(lower.Name, target.Host, target.Port, engine.Version);
    })];

    /// <summary>Writes the init file (and links the packages) before the upper's daemon starts; its empty CDB loads it.</summary>
    /// <exception cref="LsaException">The upper runs an older release than a lower node, or lacks a cisco-nso-nc package.</exception>
    public async Task MaterializeAsync(NsoInstancePlan plan, NcsEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(engine);
        var lowers = LowerNodes();
        if (LsaInitData.Problems(plan.Name, engine.Version, lowers) is { } problems)
        {
            throw new LsaException(problems);
        }

        var packages = LsaInitData.PackagesOf(engine.Version, lowers)
            .Select(p => Path.Combine(engine.InstallationDirectory, "packages", "lsa", p))
            .ToList();
        if (packages.FirstOrDefault(p => !Directory.Exists(p)) is { } missing)
        {
            throw new LsaException($"The lower nodes of {plan.Name} run other NSO releases than it does ({string.Join(", ", lowers.Select(l => $"{l.Name} {l.Release}"))}; {plan.Name} {engine.Version}), so it needs the LSA NED package {missing}, which does not exist. Give {plan.Name} an NSO install that ships it, or run every node on the same release.");
        }

        if (packages.Count > 0)
        {
            Directory.CreateDirectory(plan.RunDirectory.Combine("packages"));
            plan.RunDirectory.LinkPackages(packages);
        }
        var file = InitFile(plan);
        var text = LsaInitData.Build(engine.Version, lowers).ToString();
        var before = File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken) : null;
        Directory.CreateDirectory(plan.RunDirectory.CdbDirectory);
        await File.WriteAllTextAsync(file, text, cancellationToken);
        if (before != text && plan.RunDirectory.HasCdbData)
        {
            await File.WriteAllTextAsync(MergePendingMarker(plan), "", cancellationToken);
            logger.LogInformation("{Name} already has CDB data, so NSO will not load the new LSA init file {InitFile}; NsoDev merges it into the running configuration after start", plan.Name, file);
        }
    }

    /// <summary>The onboard step and its result on the dashboard; never fails the upper (a lower node that is down is a result).</summary>
    public async Task<OnboardingReport?> OnboardAsync(NsoInstancePlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        try
        {
            var marker = MergePendingMarker(plan);
            var merge = File.Exists(marker);
            var report = await new LsaOnboarding(northbound).OnboardAsync(plan, [.. lsa.LowerNodes.Select(l => l.Name)], merge ? InitFile(plan) : null, cancellationToken);
            if (merge && report.Merged)
            {
                File.Delete(marker);
            }

            foreach (var failed in report.Failed)
            {
                logger.LogWarning("LSA lower node {Node} is not in sync on {Name}: {Reason}", failed.Device, plan.Name, failed.Info);
            }

            logger.LogInformation("Remote nodes of {Name}: {InSync} of {Count} in sync after cluster remote-node fetch-host-keys, devices fetch-ssh-host-keys and sync-from", plan.Name, report.InSync, report.Devices.Count);
            await ShowAsync(report);
            return report;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not onboard the LSA lower nodes of {Name}; run `cluster remote-node NAME ssh fetch-host-keys`, `devices fetch-ssh-host-keys` and `devices sync-from` on it by hand", plan.Name);
            return null;
        }
    }

    /// <summary>Each lower node's result, then the upper's count, and the parent last: once it is Running, every result is shown.</summary>
    private async Task ShowAsync(OnboardingReport report)
    {
        var results = report.Devices.ToDictionary(d => d.Device, StringComparer.Ordinal);
        foreach (var lower in lsa.LowerNodes)
        {
            if (results.TryGetValue(lower.Name, out var result))
            {
                var text = result.InSync ? $"in sync on {lsa.UpperNode.Name}" : $"not in sync on {lsa.UpperNode.Name}: {result.Info}";
                await dashboard.UpdateAsync(lower, s => s with
                {
                    Properties = LsaDashboard.Merge(s.Properties, new ResourcePropertySnapshot(NsoResourceProperties.LsaSync, text) { DisplayName = "LSA", IsHighlighted = true }),
                });
            }
        }

        var count = LsaDashboard.CountOf(report);
        var property = new ResourcePropertySnapshot(NsoResourceProperties.LsaRemoteNodes, count) { DisplayName = "Remote nodes", IsHighlighted = true };
        await dashboard.UpdateAsync(lsa.UpperNode, s => s with { Properties = LsaDashboard.Merge(s.Properties, property) });
        await dashboard.UpdateAsync(lsa, s => s with
        {
            State = new ResourceStateSnapshot(KnownResourceStates.Running, report.Failed.Any() ? KnownResourceStateStyles.Warn : KnownResourceStateStyles.Success),
            Properties = LsaDashboard.Merge(s.Properties, property),
        });
    }
}

/// <summary>The deployment's parent resource on the dashboard, and the remote nodes' count.</summary>
internal static class LsaDashboard
{
    public const string ResourceType = "NSO LSA";

    public static CustomResourceSnapshot InitialSnapshot(int lowerNodes) => new()
    {
        ResourceType = ResourceType,
        State = KnownResourceStates.NotStarted,
        Properties = [new(NsoResourceProperties.LsaRemoteNodes, $"0 of {lowerNodes} in sync") { DisplayName = "Remote nodes", IsHighlighted = true }],
    };

    /// <summary><c>2 of 2 in sync</c>, or <c>1 of 2 in sync (not: lsa-lower-2)</c>, as the netsim devices' count reads.</summary>
    public static string CountOf(OnboardingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var not = report.Failed.Select(d => d.Device).ToList();
        return not.Count == 0
            ? $"{report.InSync} of {report.Devices.Count} in sync"
            : $"{report.InSync} of {report.Devices.Count} in sync (not: {string.Join(", ", not)})";
    }

    public static ImmutableArray<ResourcePropertySnapshot> Merge(ImmutableArray<ResourcePropertySnapshot> current, ResourcePropertySnapshot update) =>
        [.. (current.IsDefault ? [] : current).Where(p => p.Name != update.Name), update];
}

/// <summary>The LSA deployment cannot be set up as declared; the message says why and what to change.</summary>
internal sealed class LsaException(string message) : InvalidOperationException(message);
