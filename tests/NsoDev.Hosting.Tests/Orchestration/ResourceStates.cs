using Aspire.Hosting.ApplicationModel;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>Every snapshot published on the ResourceNotificationService, per resource, in order.</summary>
internal sealed class ResourceStates : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public ResourceStates(ResourceNotificationService notifications)
    {
        var events = notifications.WatchAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
        // The first MoveNextAsync runs the watcher up to its subscription, so no later update is missed.
        var first = events.MoveNextAsync().AsTask();
        _pump = PumpAsync(events, first);
    }

    public History<ResourceEvent> Events { get; } = new(e => $"{e.Resource.Name}: {e.Snapshot.State?.Text}");

    public IReadOnlyList<CustomResourceSnapshot> Of(string name) =>
        [.. Events.Items.Where(e => e.Resource.Name == name).Select(e => e.Snapshot)];

    public IReadOnlyList<string?> StatesOf(string name) => [.. Of(name).Select(s => s.State?.Text)];

    public async Task<CustomResourceSnapshot> WaitForStateAsync(string name, string state, int occurrence = 1) =>
        (await Events.WaitForAsync(e => e.Resource.Name == name && e.Snapshot.State?.Text == state, $"'{name}' in state '{state}'", occurrence)).Snapshot;

    /// <summary>How many snapshots of <paramref name="name"/> so far have <paramref name="property"/> set to <paramref name="value"/>.</summary>
    public int CountWithProperty(string name, string property, string value) => Events.Count(HasProperty(name, property, value));

    /// <summary>The <paramref name="occurrence"/>-th snapshot of <paramref name="name"/> with <paramref name="property"/> set to <paramref name="value"/>.</summary>
    public async Task<CustomResourceSnapshot> WaitForPropertyAsync(string name, string property, string value, int occurrence = 1) =>
        (await Events.WaitForAsync(HasProperty(name, property, value), $"'{name}' with {property} '{value}'", occurrence)).Snapshot;

    private static Func<ResourceEvent, bool> HasProperty(string name, string property, string value) =>
        e => e.Resource.Name == name && e.Snapshot.Properties.Any(p => p.Name == property && p.Value?.ToString() == value);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
            // Stopped watching.
        }

        _stop.Dispose();
    }

    private async Task PumpAsync(IAsyncEnumerator<ResourceEvent> events, Task<bool> first)
    {
        try
        {
            var more = await first;
            while (more)
            {
                Events.Add(events.Current);
                more = await events.MoveNextAsync();
            }
        }
        finally
        {
            await events.DisposeAsync();
        }
    }
}
