using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Launch;

/// <summary>
/// Follows the log files of each running netsim device into the device resource's own log
/// (NSO-NOTES §10, "The device's logs"). A device is followed from just before its start until it
/// stops, each file from its end as it was then: a device writes only while it runs, so that end is
/// where the last follower stopped, and an earlier run's lines are not shown again.
/// </summary>
internal sealed class NetsimDeviceLogs(NetsimPlan plan, Func<string, ILogger> loggerOf) : IAsyncDisposable
{
    /// <summary>
    /// The daemon, audit and NETCONF logs, by the names router-nc's <c>confd.conf.netsim</c> gives them
    /// (nso-sim's device writes the same). devel.log is left out: trace level, for code that runs in ConfD.
    /// </summary>
    public static IReadOnlyList<string> Files { get; } = ["confd.log", "audit.log", "netconf.log"];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, OutputFileFollower[]> _following = new(StringComparer.Ordinal);

    /// <summary>Where the device's logs are: <c>NETSIM/PREFIX/NAME/logs</c>, as ncs-netsim lays a device out.</summary>
    public static string LogDirectory(NetsimPlan plan, NetsimDevice device)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(device);
        return Path.Combine(plan.Directory, device.Prefix, device.Name, "logs");
    }

    /// <summary>Starts following <paramref name="device"/> (every device when null); one already followed keeps its followers.</summary>
    public void Follow(string? device)
    {
        foreach (var planned in plan.Devices.Where(d => device is null || d.Name == device))
        {
            lock (_lock)
            {
                if (_following.ContainsKey(planned.Name))
                {
                    continue;
                }

                var logger = loggerOf(planned.Name);
                var directory = LogDirectory(plan, planned);
                _following[planned.Name] = [.. Files.Select(file => new OutputFileFollower(Path.Combine(directory, file), isError: false, line => Forward(logger, file, line)))];
            }
        }
    }

    /// <summary>Reads what the devices' files still hold, then stops following them (every device when null).</summary>
    public async Task StopFollowingAsync(IEnumerable<string>? devices)
    {
        var names = devices?.ToHashSet(StringComparer.Ordinal);
        List<OutputFileFollower> stopped = [];
        lock (_lock)
        {
            foreach (var name in _following.Keys.Where(n => names is null || names.Contains(n)).ToList())
            {
                stopped.AddRange(_following[name]);
                _following.Remove(name);
            }
        }

        foreach (var follower in stopped)
        {
            await follower.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopFollowingAsync(null);

    private static void Forward(ILogger logger, string file, OutputLine line) =>
        logger.Log(DaemonOutput.LevelOf(line), "{LogFile}: {Line}", file, line.Text);
}
