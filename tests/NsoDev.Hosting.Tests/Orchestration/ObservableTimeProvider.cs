using Microsoft.Extensions.Time.Testing;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>
/// A fake clock that tells when a timer is armed, so a test advances time only once the code under
/// test is waiting; advancing earlier would arm the timer later and it would never fire.
/// </summary>
internal sealed class ObservableTimeProvider : FakeTimeProvider
{
    /// <summary>The due time of every timer created, in order.</summary>
    public History<TimeSpan> Timers { get; } = new(d => $"{d.TotalMilliseconds} ms");

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Timers.Add(dueTime);
        return timer;
    }

    public Task WaitForTimerAsync(TimeSpan dueTime, int occurrence = 1) =>
        Timers.WaitForAsync(d => d == dueTime, $"a timer of {dueTime.TotalMilliseconds} ms", occurrence);
}
