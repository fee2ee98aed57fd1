namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>
/// What happened so far, in order, and a wait for the n-th item that matches. Tests wait on this
/// instead of sleeping; the deadline only guards against a hang.
/// </summary>
internal sealed class History<T>(Func<T, string>? describe = null)
{
    private readonly Lock _lock = new();
    private readonly List<T> _items = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_lock)
            {
                return [.. _items];
            }
        }
    }

    public void Add(T item)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _items.Add(item);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    public int Count(Func<T, bool> predicate)
    {
        lock (_lock)
        {
            return _items.Count(predicate);
        }
    }

    public async Task<T> WaitForAsync(Func<T, bool> predicate, string what, int occurrence = 1)
    {
        using var guard = new CancellationTokenSource(OrchestrationHarness.HangGuard);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var matches = _items.Where(predicate).Skip(occurrence - 1).Take(1).ToList();
                if (matches.Count == 1)
                {
                    return matches[0];
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join(" | ", Items.Select(i => describe?.Invoke(i) ?? i?.ToString()));
                throw new TimeoutException($"Waited {OrchestrationHarness.HangGuard.TotalSeconds} s for {what} (occurrence {occurrence}); saw: {seen}");
            }
        }
    }
}
