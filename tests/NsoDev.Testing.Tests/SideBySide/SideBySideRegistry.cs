using System.Collections.Concurrent;

namespace NsoDev.Testing.Tests.SideBySide;

/// <summary>
/// Where the side-by-side test classes publish what their running environment was planned to own,
/// and wait for each other. An entry is published only once its environment is healthy, and its
/// class waits for the partner's entry before it disposes anything, so when both have published
/// there was a moment when both environments ran at once: their plans must be disjoint.
/// </summary>
internal static class SideBySideRegistry
{
    /// <summary>Both environments start at the same time; each start takes at most NsoTestEnvironment.DefaultStartTimeout.</summary>
    public static readonly TimeSpan PartnerWait = NsoTestEnvironment.DefaultStartTimeout + TimeSpan.FromMinutes(1);

    private static readonly ConcurrentDictionary<string, TaskCompletionSource<PlannedResources>> Published = new(StringComparer.Ordinal);

    public static void Publish(PlannedResources planned)
    {
        ArgumentNullException.ThrowIfNull(planned);
        if (!Entry(planned.Owner).TrySetResult(planned))
        {
            throw new InvalidOperationException($"{planned.Owner} published twice.");
        }
    }

    /// <summary>The environment of <paramref name="owner"/> did not start: its partner fails at once, naming why, instead of waiting it out.</summary>
    public static void PublishFailure(string owner, Exception failure) =>
        Entry(owner).TrySetException(new InvalidOperationException($"{owner} could not start its environment, so the two never ran side by side.", failure));

    /// <summary>Waits for <paramref name="partner"/>'s environment; a partner that never comes fails the test, never passes it.</summary>
    public static async Task<PlannedResources> WaitForAsync(string partner, CancellationToken cancellationToken)
    {
        try
        {
            return await Entry(partner).Task.WaitAsync(PartnerWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{partner} published no running environment within {PartnerWait}. The two side-by-side classes must run together, in parallel (run the whole project, or filter on both classes).");
        }
    }

    private static TaskCompletionSource<PlannedResources> Entry(string owner) =>
        Published.GetOrAdd(owner, _ => new TaskCompletionSource<PlannedResources>(TaskCreationOptions.RunContinuationsAsynchronously));
}
